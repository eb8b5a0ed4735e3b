package com.example.audit;

import java.sql.Connection;
import java.sql.SQLException;

public class AuditLog {
    public void record(Connection conn, String user, String action) throws SQLException {
        String sql = "INSERT INTO audit (username, action) VALUES ('" + user + "', '" + action + "')";
        conn.createStatement().executeUpdate(sql); // VULN
    }
}
