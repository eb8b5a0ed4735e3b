package com.example.uploads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class UploadController {
    @PostMapping("/upload")
    public String upload(@RequestBody byte[] body) throws IOException {
        String id = UUID.randomUUID().toString();
        Files.write(Paths.get("/srv/uploads/" + id), body);
        return id;
    }
}
