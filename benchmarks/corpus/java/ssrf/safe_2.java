package com.example.webhooks;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

@RestController
public class WebhookController {
    private final RestTemplate restTemplate = new RestTemplate();

    @PostMapping("/webhooks/test")
    public String test(@RequestParam String hookId) {
        return restTemplate.postForObject("https://hooks.example.com/hooks/{id}/test", "{}", String.class, hookId);
    }
}
