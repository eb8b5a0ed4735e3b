package com.example.reports;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

public class ReportService {
    private final JdbcTemplate jdbc;

    public ReportService(JdbcTemplate jdbc) { this.jdbc = jdbc; }

    public List<Map<String, Object>> sales(String region) {
        return jdbc.queryForList("SELECT * FROM sales WHERE region = ? ORDER BY created_at", region);
    }
}
