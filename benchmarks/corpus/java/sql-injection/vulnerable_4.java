package com.example.search;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

public class ProductSearch {
    public ResultSet search(Connection conn, List<String> tags) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM products WHERE 1=1");
        for (String tag : tags) {
            sql.append(" AND tags LIKE '%").append(tag).append("%'");
        }
        return conn.createStatement().executeQuery(sql.toString()); // VULN
    }
}
