package com.example.config;

import java.io.InputStream;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

public class ConfigLoader {
    public Map<String, Object> load(InputStream in) {
        Yaml yaml = new Yaml(); // VULN
        return yaml.load(in);
    }
}
