package cache

import (
	"crypto/md5"
	"fmt"
	"io"
)

func SignedKey(secret, key string) string {
	h := md5.New() // VULN
	io.WriteString(h, secret+key)
	return fmt.Sprintf("%x", h.Sum(nil))
}
