package com.example.storage;

import java.security.MessageDigest;

public class BlobEncryptor {
    public byte[] checksum(byte[] blob) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(blob);
    }
}
