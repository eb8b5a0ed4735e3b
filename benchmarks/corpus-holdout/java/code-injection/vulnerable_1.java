package com.example.workflow;

import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;

public class StepEvaluator {
    private final ScriptEngine js = new ScriptEngineManager().getEngineByName("nashorn");

    public Object condition(String field, String value) throws Exception {
        return js.eval("input." + field + " == '" + value + "'"); // VULN
    }
}
