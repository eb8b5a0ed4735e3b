package com.example.http;

import javax.net.ssl.HttpsURLConnection;

public class LegacyClient {
    static {
        HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true); // VULN
    }
}
