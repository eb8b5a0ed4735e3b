package com.example.files;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Paths;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class DownloadServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String name = Paths.get(req.getParameter("file")).getFileName().toString();
        try (FileInputStream in = new FileInputStream(new File("/srv/files", name))) {
            in.transferTo(resp.getOutputStream());
        }
    }
}
