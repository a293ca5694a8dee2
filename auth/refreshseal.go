package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"time"
)

// DefaultRefreshGrace is how long a rotated refresh token may be presented
// again and get the same successor: long enough for two tabs (or a retried
// request whose answer was lost) refreshing at once, short enough that a
// stolen token replayed later still revokes the session.
const DefaultRefreshGrace = 10 * time.Second

// A refresh within the grace must hand back the successor of the first
// rotation, but only its hash is stored. So the rotation also stores the
// successor sealed (AES-256-GCM) under a key derived from the token it
// replaces. Only a caller presenting that old token can open it, no server
// secret has to be shared between instances, and the database alone reveals
// nothing: it holds the old token's SHA-256, not the token, and the seal key
// is a different function of it (an HMAC keyed by the token). A successor
// derived deterministically from the old token would need no storage, but a
// thief holding an old token could then compute every successor and present
// one after the grace, defeating reuse detection; a random sealed successor
// can only be had from the server, and only within the grace.

// sealSuccessor seals next under oldToken.
func sealSuccessor(oldToken, next string) ([]byte, error) {
	aead, err := successorAEAD(oldToken)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, []byte(next), nil), nil
}

// openSuccessor opens what sealSuccessor sealed under oldToken.
func openSuccessor(oldToken string, sealed []byte) (string, error) {
	aead, err := successorAEAD(oldToken)
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("sealed refresh successor too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

func successorAEAD(oldToken string) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, []byte(oldToken))
	mac.Write([]byte("tenx refresh successor seal v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
