package com.example.workflow;

import java.util.Map;
import java.util.Objects;

public class StepEvaluator {
    public boolean condition(Map<String, Object> input, String field, String value) {
        return Objects.equals(String.valueOf(input.get(field)), value);
    }
}
