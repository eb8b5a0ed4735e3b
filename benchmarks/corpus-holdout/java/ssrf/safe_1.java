package com.example.export;

import java.net.HttpURLConnection;
import java.net.URL;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ExportController {
    @PostMapping("/export/push")
    public int push(@RequestParam String destination) throws Exception {
        URL url = new URL("https://exports.example.com/push?dest=" + java.net.URLEncoder.encode(destination, "UTF-8"));
        HttpURLConnection conn = (HttpURLConnection) url.openConnection();
        conn.setRequestMethod("POST");
        return conn.getResponseCode();
    }
}
