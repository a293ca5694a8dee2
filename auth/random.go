package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// newOpaqueToken returns a 256-bit random token, base64url without padding.
func newOpaqueToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// newJTI returns a unique JWT id (128 random bits): two access tokens minted
// in the same second for the same session still differ.
func newJTI() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of an opaque token; only hashes are stored.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
