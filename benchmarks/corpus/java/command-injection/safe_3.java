package com.example.tools;

import java.io.IOException;

public class ImageTool {
    public int resize(String file, int width) throws IOException, InterruptedException {
        String[] command = {"convert", file, "-resize", Integer.toString(width), file};
        return Runtime.getRuntime().exec(command).waitFor();
    }
}
