package com.example.preview;

import java.io.InputStream;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletRequest;

public class LinkPreview {
    public byte[] preview(HttpServletRequest request) throws Exception {
        String q = URLEncoder.encode(request.getParameter("q"), StandardCharsets.UTF_8);
        try (InputStream in = new URL("https://preview.example.com/api?q=" + q).openStream()) {
            return in.readNBytes(4096);
        }
    }
}
