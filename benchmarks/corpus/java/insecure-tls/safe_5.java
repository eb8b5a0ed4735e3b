package com.example.http;

import java.io.File;
import javax.net.ssl.SSLContext;
import org.apache.http.ssl.SSLContexts;

public class SelfSigned {
    public SSLContext context() throws Exception {
        return SSLContexts.custom()
            .loadTrustMaterial(new File("/etc/ssl/internal.jks"), "changeit".toCharArray())
            .build();
    }
}
