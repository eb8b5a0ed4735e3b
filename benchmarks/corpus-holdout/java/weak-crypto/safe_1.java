package com.example.tokens;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

public class InviteTokens {
    public String token(String email, String secret) {
        return Hashing.hmacSha256(secret.getBytes(StandardCharsets.UTF_8)).hashString(email, StandardCharsets.UTF_8).toString();
    }
}
