package com.example.http;

import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

public class ClientFactory {
    public CloseableHttpClient create() {
        return HttpClients.custom()
            .setSSLHostnameVerifier(new DefaultHostnameVerifier())
            .build();
    }
}
