package cache

import (
	"crypto/sha256"
	"fmt"
	"io"
)

func SignedKey(secret, key string) string {
	h := sha256.New()
	io.WriteString(h, secret+key)
	return fmt.Sprintf("%x", h.Sum(nil))
}
