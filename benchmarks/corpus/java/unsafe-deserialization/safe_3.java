package com.example.api;

import com.fasterxml.jackson.databind.ObjectMapper;

public class EventParser {
    private final ObjectMapper mapper = new ObjectMapper();

    public Event parse(String json) throws Exception {
        return mapper.readValue(json, Event.class);
    }

    public record Event(String type, long timestamp) {}
}
