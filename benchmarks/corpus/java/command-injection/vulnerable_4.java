package com.example.git;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class GitController {
    @PostMapping("/checkout")
    public int checkout(@RequestParam String branch) throws Exception {
        String[] cmd = new String[] {"bash", "-c", "git checkout " + branch}; // VULN
        return Runtime.getRuntime().exec(cmd).waitFor();
    }
}
