package com.example.session;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.Base64;

public class SessionCodec {
    public Object decode(String cookie) throws Exception {
        byte[] raw = Base64.getDecoder().decode(cookie);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(raw))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.session.Session;!*"));
            return in.readObject();
        }
    }
}
