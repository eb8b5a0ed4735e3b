package server

import (
	"crypto/tls"
	"net/http"
)

func Listen(handler http.Handler) error {
	srv := &http.Server{
		Addr:      ":8443",
		Handler:   handler,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS10}, // VULN
	}
	return srv.ListenAndServeTLS("cert.pem", "key.pem")
}
