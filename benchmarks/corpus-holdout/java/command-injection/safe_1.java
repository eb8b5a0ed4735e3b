package com.example.ops;

import javax.servlet.http.HttpServletRequest;

public class DnsLookup {
    public Process lookup(HttpServletRequest req) throws Exception {
        String domain = req.getParameter("domain");
        return new ProcessBuilder("nslookup", domain).start();
    }
}
