package legacy

import "crypto/des"

func EncryptBlock(key, block []byte) ([]byte, error) {
	c, err := des.NewTripleDESCipher(key) // VULN
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(block))
	c.Encrypt(out, block)
	return out, nil
}
