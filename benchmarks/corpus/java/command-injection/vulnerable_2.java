package com.example.backup;

import java.io.IOException;

public class Archiver {
    public void archive(String directory, String target) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "tar czf " + target + " " + directory); // VULN
        pb.inheritIO().start().waitFor();
    }
}
