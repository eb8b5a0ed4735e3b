package com.example.reports;

import java.io.IOException;
import java.util.List;

public class ReportRunner {
    public Process run(String reportName, String outputDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command("sh", "-c", "./reports/" + reportName + ".sh > " + outputDir + "/out.txt"); // VULN
        return builder.start();
    }
}
