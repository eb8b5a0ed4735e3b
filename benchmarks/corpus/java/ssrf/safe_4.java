package com.example.scrape;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import javax.servlet.http.HttpServletRequest;

public class TitleFetcher {
    public String title(HttpServletRequest req) throws Exception {
        Document doc = Jsoup.parse(req.getParameter("html"));
        return doc.title();
    }
}
