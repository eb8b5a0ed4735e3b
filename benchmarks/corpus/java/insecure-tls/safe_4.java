package com.example.http;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSession;

public class PinnedVerifier implements HostnameVerifier {
    @Override
    public boolean verify(String hostname, SSLSession session) {
        return "api.example.com".equals(hostname)
            && HttpsURLConnection.getDefaultHostnameVerifier().verify(hostname, session);
    }
}
