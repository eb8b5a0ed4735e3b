package com.example.api;

import com.fasterxml.jackson.databind.ObjectMapper;

public class EventParser {
    private final ObjectMapper mapper = new ObjectMapper();

    public EventParser() {
        mapper.enableDefaultTyping(); // VULN
    }

    public Object parse(String json) throws Exception {
        return mapper.readValue(json, Object.class);
    }
}
