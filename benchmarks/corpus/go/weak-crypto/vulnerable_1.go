package auth

import (
	"crypto/md5"
	"encoding/hex"
)

func HashPassword(password, salt string) string {
	sum := md5.Sum([]byte(salt + password)) // VULN
	return hex.EncodeToString(sum[:])
}
