package com.example.media;

import java.io.File;
import org.apache.commons.io.FilenameUtils;
import org.springframework.core.io.FileSystemResource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class MediaController {
    @GetMapping("/media")
    public FileSystemResource media(@RequestParam("path") String path) {
        return new FileSystemResource(new File("/srv/media/", FilenameUtils.getName(path)));
    }
}
