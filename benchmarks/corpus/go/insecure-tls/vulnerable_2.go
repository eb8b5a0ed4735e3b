package grpcclient

import (
	"crypto/tls"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

func Dial(addr string) (*grpc.ClientConn, error) {
	cfg := &tls.Config{}
	cfg.InsecureSkipVerify = true // VULN
	return grpc.Dial(addr, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
}
