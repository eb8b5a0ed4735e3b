package com.example.http;

import javax.net.ssl.HttpsURLConnection;

public class LegacyClient {
    static {
        HttpsURLConnection.setDefaultHostnameVerifier(
            (hostname, session) -> hostname.equals("legacy.example.com")
                && HttpsURLConnection.getDefaultHostnameVerifier().verify(hostname, session));
    }
}
