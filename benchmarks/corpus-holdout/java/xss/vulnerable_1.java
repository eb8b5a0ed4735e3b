package com.example.web;

import java.io.IOException;
import java.io.PrintWriter;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class ProfilePage {
    public void render(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String nick = request.getParameter("nick");
        PrintWriter writer = response.getWriter();
        writer.print("<span class=\"nick\">" + nick + "</span>"); // VULN
    }
}
