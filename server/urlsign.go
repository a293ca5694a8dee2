package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"

	"tenx"
)

// The signed URLs tenx serves itself: uploads and downloads of the local
// blob store, and deployment previews. A token is
// "<purpose>.<id>.<expiry unix seconds>.<HMAC-SHA256 of the rest>", so a
// forged or altered one is refused by a constant-time comparison before
// anything is read, and an expired one without a database read.
const (
	purposeUpload   = "u"
	purposeDownload = "d"
	purposePreview  = "p"
)

// urlSigner signs with the key of Files.URLSigningKey, read once.
type urlSigner struct {
	mu  sync.Mutex
	key []byte
}

func (s *Server) signingKey(ctx context.Context) ([]byte, error) {
	s.signer.mu.Lock()
	defer s.signer.mu.Unlock()
	if s.signer.key == nil {
		key, err := s.Files.URLSigningKey(ctx)
		if err != nil {
			return nil, err
		}
		s.signer.key = key
	}
	return s.signer.key, nil
}

func mac(key []byte, msg string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// signToken returns the token of purpose for id, valid until exp.
func (s *Server) signToken(ctx context.Context, purpose, id string, exp time.Time) (string, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	msg := purpose + "." + id + "." + strconv.FormatInt(exp.Unix(), 10)
	return msg + "." + mac(key, msg), nil
}

// errBadToken is the answer to a token tenx did not sign: as if the URL
// named nothing.
func errBadToken() error { return tenx.Errorf(tenx.ENOTFOUND, "no such URL") }

// verifyToken returns the id a token of purpose names and its expiry. A
// token tenx did not sign is ENOTFOUND; an expired one is expiredCode.
func (s *Server) verifyToken(ctx context.Context, purpose, token, expiredCode string) (string, time.Time, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != purpose || parts[1] == "" {
		return "", time.Time{}, errBadToken()
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	msg := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(mac(key, msg)), []byte(parts[3])) {
		return "", time.Time{}, errBadToken()
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", time.Time{}, errBadToken()
	}
	exp := time.Unix(unix, 0)
	if !s.now().Before(exp) {
		return "", time.Time{}, tenx.Errorf(expiredCode, "this URL expired")
	}
	return parts[1], exp, nil
}
