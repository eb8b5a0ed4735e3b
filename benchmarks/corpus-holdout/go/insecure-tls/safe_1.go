package ldapclient

import (
	"crypto/tls"

	"github.com/go-ldap/ldap/v3"
)

func Connect(addr, serverName string) (*ldap.Conn, error) {
	return ldap.DialURL(addr, ldap.DialWithTLSConfig(&tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}))
}
