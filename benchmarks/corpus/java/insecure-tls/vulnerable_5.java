package com.example.http;

import javax.net.ssl.SSLContext;
import org.apache.http.ssl.SSLContexts;

public class SelfSigned {
    public SSLContext context() throws Exception {
        return SSLContexts.custom()
            .loadTrustMaterial(null, (chain, authType) -> true) // VULN
            .build();
    }
}
