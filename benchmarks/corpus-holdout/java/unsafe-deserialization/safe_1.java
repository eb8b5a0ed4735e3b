package com.example.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;

public class MessageReceiver {
    private final ObjectMapper mapper = new ObjectMapper();

    public Message receive(Socket socket) throws Exception {
        return mapper.readValue(socket.getInputStream(), Message.class);
    }

    public record Message(String type, String body) {}
}
