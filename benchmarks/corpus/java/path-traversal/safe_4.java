package com.example.cleanup;

import java.io.File;
import javax.servlet.http.HttpServletRequest;

public class TempCleaner {
    public boolean delete(HttpServletRequest request) {
        long job = Long.parseLong(request.getParameter("job"));
        return new File("/tmp/work/" + job).delete();
    }
}
