package com.example.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

public class ProductSearch {
    public ResultSet search(Connection conn, List<String> tags) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM products WHERE 1=1");
        for (int i = 0; i < tags.size(); i++) {
            sql.append(" AND tags LIKE ?");
        }
        PreparedStatement ps = conn.prepareStatement(sql.toString());
        for (int i = 0; i < tags.size(); i++) {
            ps.setString(i + 1, "%" + tags.get(i) + "%");
        }
        return ps.executeQuery();
    }
}
