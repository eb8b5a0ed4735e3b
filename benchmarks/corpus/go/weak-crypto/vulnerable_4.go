package stream

import "crypto/rc4"

func Obfuscate(key, data []byte) []byte {
	c, _ := rc4.NewCipher(key) // VULN
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}
