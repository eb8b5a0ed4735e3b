package stream

import "golang.org/x/crypto/chacha20poly1305"

func Seal(key, nonce, data []byte) ([]byte, error) {
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, data, nil), nil
}
