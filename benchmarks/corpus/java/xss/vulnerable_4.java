package com.example.web;

import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class Redirector {
    public void notFound(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        response.setStatus(404);
        response.getWriter().printf("<p>No page at %s</p>", path); // VULN
    }
}
