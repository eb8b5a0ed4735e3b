package com.example.storage;

import java.security.Key;
import javax.crypto.Cipher;

public class BlobEncryptor {
    public byte[] seal(Key key, byte[] blob) throws Exception {
        Cipher cipher = Cipher.getInstance("AES"); // VULN
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(blob);
    }
}
