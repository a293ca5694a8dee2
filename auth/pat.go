package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"hash/crc32"
	"strings"

	"tenx"
)

// PAT format: patv1_<tokenId>.<secret>, tokenId = "tok_" + 20 base62,
// secret = 40 random base62 + a 6-character base62 CRC32 of everything
// before it. The checksum lets a mistyped or made-up token be refused
// without a database read, and lets secret scanners recognise real ones.
const (
	tokenIDPrefix   = "tok_"
	tokenIDRandom   = 20
	secretRandom    = 40
	checksumLength  = 6
	maxTokenIDChars = 44
)

// NewPAT mints a personal access token: its id, the full token string to
// show once, and the hash to store.
func NewPAT() (id, token string, hash []byte) {
	id = tokenIDPrefix + tenx.RandomBase62(tokenIDRandom)
	body := PATPrefix + id + "." + tenx.RandomBase62(secretRandom)
	token = body + checksum(body)
	return id, token, HashToken(token)
}

// ParsePAT checks a token's shape and checksum and returns its id. Every
// failure is EINVALIDTOKEN, decided without any I/O.
func ParsePAT(token string) (id string, err error) {
	rest, ok := strings.CutPrefix(token, PATPrefix)
	if !ok {
		return "", errInvalidPAT()
	}
	id, secret, ok := strings.Cut(rest, ".")
	if !ok || !strings.HasPrefix(id, tokenIDPrefix) || len(id) > maxTokenIDChars ||
		!isBase62(id[len(tokenIDPrefix):]) || len(id) == len(tokenIDPrefix) ||
		len(secret) < 32+checksumLength || len(secret) > 128 || !isBase62(secret) {
		return "", errInvalidPAT()
	}
	body, sum := token[:len(token)-checksumLength], token[len(token)-checksumLength:]
	if want := checksumOf(body); string(want[:]) != sum { // compared without allocating
		return "", errInvalidPAT()
	}
	return id, nil
}

func errInvalidPAT() error {
	return tenx.Errorf(tenx.EINVALIDTOKEN, "personal access token is not valid")
}

func checksum(body string) string {
	b := checksumOf(body)
	return string(b[:])
}

func checksumOf(body string) [checksumLength]byte {
	n := crc32.ChecksumIEEE([]byte(body))
	var b [checksumLength]byte
	for i := checksumLength - 1; i >= 0; i-- {
		b[i] = tenx.Base62[n%62]
		n /= 62
	}
	return b
}

func isBase62(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// hashEqual compares two SHA-256 hashes in constant time.
func hashEqual(a, b []byte) bool {
	return len(a) == sha256.Size && len(b) == sha256.Size && subtle.ConstantTimeCompare(a, b) == 1
}
