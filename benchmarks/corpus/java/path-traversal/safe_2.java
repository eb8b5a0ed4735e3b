package com.example.reports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ReportController {
    private final Path root = Paths.get("/var/reports");

    @GetMapping("/reports/{name}")
    public byte[] report(@PathVariable String name) throws Exception {
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("bad report name");
        }
        return Files.readAllBytes(file);
    }
}
