package com.example.backup;

import java.io.IOException;

public class Archiver {
    public void archive(String directory, String target) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("tar", "czf", target, directory);
        pb.inheritIO().start().waitFor();
    }
}
