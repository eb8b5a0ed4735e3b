package ldapclient

import (
	"crypto/tls"

	"github.com/go-ldap/ldap/v3"
)

func Connect(addr string) (*ldap.Conn, error) {
	return ldap.DialURL(addr, ldap.DialWithTLSConfig(&tls.Config{InsecureSkipVerify: true})) // VULN
}
