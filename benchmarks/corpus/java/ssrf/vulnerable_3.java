package com.example.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class StatusController {
    private final HttpClient client = HttpClient.newHttpClient();

    @GetMapping("/status")
    public int status(@RequestParam String host) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":8080/health")).build(); // VULN
        return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
