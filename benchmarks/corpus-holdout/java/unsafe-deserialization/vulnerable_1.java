package com.example.cluster;

import java.io.InputStream;
import java.io.ObjectInputStream;
import java.net.Socket;

public class MessageReceiver {
    public Object receive(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        ObjectInputStream ois = new ObjectInputStream(in); // VULN
        return ois.readObject();
    }
}
