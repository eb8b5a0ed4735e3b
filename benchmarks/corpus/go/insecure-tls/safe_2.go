package grpcclient

import (
	"crypto/tls"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

func Dial(addr, serverName string) (*grpc.ClientConn, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	cfg.ServerName = serverName
	return grpc.Dial(addr, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
}
