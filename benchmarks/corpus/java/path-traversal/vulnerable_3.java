package com.example.uploads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class UploadController {
    @PostMapping("/upload")
    public void upload(@RequestHeader("X-File-Name") String fileName, @RequestBody byte[] body) throws IOException {
        Files.write(Paths.get("/srv/uploads/" + fileName), body); // VULN
    }
}
