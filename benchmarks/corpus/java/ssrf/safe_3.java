package com.example.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class StatusController {
    private static final Map<String, String> HOSTS = Map.of("api", "api.internal", "worker", "worker.internal");
    private final HttpClient client = HttpClient.newHttpClient();

    @GetMapping("/status")
    public int status(@RequestParam String service) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://api.internal:8080/health/" + service)).build();
        return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
