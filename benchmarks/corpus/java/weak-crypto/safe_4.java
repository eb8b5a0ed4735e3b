package com.example.api;

import org.apache.commons.codec.digest.DigestUtils;

public class ApiKeys {
    public String fingerprint(String apiKey, String secret) {
        return DigestUtils.sha256Hex(apiKey + ":" + secret);
    }
}
