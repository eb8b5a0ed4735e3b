package com.example.legacy;

import java.beans.XMLDecoder;
import java.io.InputStream;

public class SettingsReader {
    public Object read(InputStream upload) {
        try (XMLDecoder decoder = new XMLDecoder(upload)) { // VULN
            return decoder.readObject();
        }
    }
}
