package com.example.templating;

import org.mvel2.MVEL;
import java.util.Map;

public class DiscountEngine {
    private static final String FORMULA = "order.total * rate";

    public Object discount(Map<String, Object> vars) {
        return MVEL.eval(FORMULA, vars);
    }
}
