package com.example.scripting;

import groovy.lang.GroovyShell;

public class HookRunner {
    public Object runHook(String hookBody, String eventName) {
        GroovyShell shell = new GroovyShell();
        return shell.evaluate("def event = '" + eventName + "'\n" + hookBody); // VULN
    }
}
