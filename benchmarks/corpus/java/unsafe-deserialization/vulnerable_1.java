package com.example.session;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.util.Base64;

public class SessionCodec {
    public Object decode(String cookie) throws Exception {
        byte[] raw = Base64.getDecoder().decode(cookie);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(raw))) { // VULN
            return in.readObject();
        }
    }
}
