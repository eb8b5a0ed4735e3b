package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
)

func Sign(secret, body []byte) string {
	mac := hmac.New(sha1.New, secret) // VULN
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
