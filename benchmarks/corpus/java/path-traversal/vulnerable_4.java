package com.example.cleanup;

import java.io.File;
import javax.servlet.http.HttpServletRequest;

public class TempCleaner {
    public boolean delete(HttpServletRequest request) {
        String dir = "/tmp/work/" + request.getParameter("job");
        return new File(dir).delete(); // VULN
    }
}
