package com.example.preview;

import java.io.InputStream;
import java.net.URL;
import javax.servlet.http.HttpServletRequest;

public class LinkPreview {
    public byte[] preview(HttpServletRequest request) throws Exception {
        String target = request.getParameter("url");
        try (InputStream in = new URL(target).openStream()) { // VULN
            return in.readNBytes(4096);
        }
    }
}
