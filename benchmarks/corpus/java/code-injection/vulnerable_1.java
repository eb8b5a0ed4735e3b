package com.example.calc;

import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.servlet.http.HttpServletRequest;

public class Calculator {
    private final ScriptEngine engine = new ScriptEngineManager().getEngineByName("javascript");

    public Object calculate(HttpServletRequest request) throws Exception {
        String expression = request.getParameter("expr");
        return engine.eval(expression); // VULN
    }
}
