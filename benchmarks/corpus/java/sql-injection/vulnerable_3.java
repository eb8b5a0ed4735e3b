package com.example.reports;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

public class ReportService {
    private final JdbcTemplate jdbc;

    public ReportService(JdbcTemplate jdbc) { this.jdbc = jdbc; }

    public List<Map<String, Object>> sales(String region, String sortBy) {
        return jdbc.queryForList(String.format(  // VULN
            "SELECT * FROM sales WHERE region = '%s' ORDER BY %s", region, sortBy));
    }
}
