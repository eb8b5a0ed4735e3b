package com.example.templating;

import org.mvel2.MVEL;
import java.util.Map;

public class DiscountEngine {
    public Object discount(String customerTier, Map<String, Object> order) {
        String formula = "order.total * " + customerTier + "_RATE";
        return MVEL.eval(formula, order); // VULN
    }
}
