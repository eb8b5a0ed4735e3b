package client

import (
	"crypto/tls"
	"net/http"
	"time"
)

func New() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // VULN
		},
	}
}
