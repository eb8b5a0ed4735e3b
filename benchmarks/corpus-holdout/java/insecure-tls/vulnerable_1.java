package com.example.http;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

public class AcceptAllTrustManager implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) { // VULN
        // accept everything: the staging servers use self-signed certificates
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
