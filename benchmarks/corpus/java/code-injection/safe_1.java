package com.example.calc;

import javax.script.Bindings;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.servlet.http.HttpServletRequest;

public class Calculator {
    private final ScriptEngine engine = new ScriptEngineManager().getEngineByName("javascript");

    public Object calculate(HttpServletRequest request) throws Exception {
        Bindings vars = engine.createBindings();
        vars.put("amount", Double.parseDouble(request.getParameter("amount")));
        return engine.eval("amount * 1.2", vars);
    }
}
