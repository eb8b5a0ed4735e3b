package com.example.tokens;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

public class InviteTokens {
    public String token(String email, String secret) {
        return Hashing.md5().hashString(email + secret, StandardCharsets.UTF_8).toString(); // VULN
    }
}
