package smtp

import (
	"crypto/tls"
	"net/smtp"
)

func Send(host string, auth smtp.Auth, msg []byte) error {
	conn, err := tls.Dial("tcp", host+":465", &tls.Config{
		ServerName: host,
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = msg
	return nil
}
