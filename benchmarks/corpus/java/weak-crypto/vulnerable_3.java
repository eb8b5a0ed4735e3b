package com.example.legacy;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.DESKeySpec;

public class LegacyCrypto {
    public byte[] encrypt(byte[] keyBytes, byte[] data) throws Exception {
        SecretKey key = SecretKeyFactory.getInstance("DES").generateSecret(new DESKeySpec(keyBytes)); // VULN
        Cipher cipher = Cipher.getInstance("DES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(data);
    }
}
