package com.example.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

public class StockDao {
    public ResultSet lowStock(Connection c, String warehouse) throws Exception {
        PreparedStatement ps = c.prepareStatement(
            "SELECT sku FROM stock WHERE qty < 5 AND warehouse = '" + warehouse + "'"); // VULN
        return ps.executeQuery();
    }
}
