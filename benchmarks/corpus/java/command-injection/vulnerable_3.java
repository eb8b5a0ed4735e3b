package com.example.tools;

import java.io.IOException;

public class ImageTool {
    public int resize(String file, int width) throws IOException, InterruptedException {
        String command = String.format("convert %s -resize %d %s", file, width, file);
        return Runtime.getRuntime().exec(command).waitFor(); // VULN
    }
}
