package com.example.legacy;

import java.io.InputStream;
import java.util.Properties;

public class SettingsReader {
    public Properties read(InputStream upload) throws Exception {
        Properties props = new Properties();
        props.loadFromXML(upload);
        return props;
    }
}
