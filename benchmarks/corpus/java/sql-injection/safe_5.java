package com.example.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

public class AuditLog {
    private static final String TABLE = "audit";

    public void record(Connection conn, String user, String action) throws SQLException {
        String sql = "INSERT INTO " + TABLE + " (username, action) VALUES (?, ?)";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, user);
            ps.setString(2, action);
            ps.executeUpdate();
        }
    }
}
