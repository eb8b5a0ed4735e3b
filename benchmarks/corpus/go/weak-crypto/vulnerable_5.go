package tokens

import (
	"crypto/sha1"
	"fmt"
	"time"
)

func ResetToken(email string) string {
	h := sha1.New() // VULN
	fmt.Fprintf(h, "%s:%d", email, time.Now().UnixNano())
	return fmt.Sprintf("%x", h.Sum(nil))
}
