package com.example.web;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class GreetingController {
    @GetMapping(value = "/greet", produces = "text/html")
    public String greet(@RequestParam String name) {
        return "<html><body><p>Hello, " + name + "!</p></body></html>"; // VULN
    }
}
