package com.example.scripting;

import groovy.lang.Binding;
import groovy.lang.GroovyShell;

public class HookRunner {
    private static final String HOOK = "return event.toUpperCase()";

    public Object runHook(String eventName) {
        Binding binding = new Binding();
        binding.setVariable("event", eventName);
        return new GroovyShell(binding).evaluate(HOOK);
    }
}
