package com.example.reports;

import java.io.File;
import java.io.IOException;

public class ReportRunner {
    public Process run(String reportName, String outputDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command("./reports/run.sh", reportName);
        builder.redirectOutput(new File(outputDir, "out.txt"));
        return builder.start();
    }
}
