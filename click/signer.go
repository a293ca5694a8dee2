package click

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"tenx"
)

// CtxTTL is how long a signed ctx can record a conversion.
const CtxTTL = 30 * 24 * time.Hour

// SecretName names the shared secret (tenx.SecretService) that signs ctx.
const SecretName = "click-ctx-v1"

// Signer signs and verifies the ctx parameter: "<clickId>.<handle>.<slug>.
// <expiry, unix seconds in base 36>.<MAC>", where the MAC is the first 16
// bytes of HMAC-SHA256 over the rest, base64url. No part of a click id,
// handle or slug contains a dot, and the whole is URL-safe.
type Signer struct {
	key []byte
	now tenx.Clock
}

var _ tenx.ClickSigner = (*Signer)(nil)

// NewSigner signs with key (a secret of at least 32 bytes) at the times now
// gives.
func NewSigner(key []byte, now tenx.Clock) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, now: now}
}

// Sign returns the ctx naming ref, valid CtxTTL from now.
func (s *Signer) Sign(ref tenx.ClickRef) string {
	payload := ref.ClickID + "." + ref.Handle + "." + ref.Slug + "." +
		strconv.FormatInt(s.now().Add(CtxTTL).Unix(), 36)
	return payload + "." + s.mac(payload)
}

// Verify checks ctx's MAC and expiry and returns the click it names.
func (s *Signer) Verify(ctx string) (tenx.ClickRef, error) {
	invalid := tenx.Errorf(tenx.EINVALIDCTX, "ctx is not a valid, current click reference")
	i := strings.LastIndexByte(ctx, '.')
	if i < 0 || !hmac.Equal([]byte(ctx[i+1:]), []byte(s.mac(ctx[:i]))) {
		return tenx.ClickRef{}, invalid
	}
	parts := strings.Split(ctx[:i], ".")
	if len(parts) != 4 {
		return tenx.ClickRef{}, invalid
	}
	exp, err := strconv.ParseInt(parts[3], 36, 64)
	if err != nil || !s.now().Before(time.Unix(exp, 0)) {
		return tenx.ClickRef{}, invalid
	}
	return tenx.ClickRef{ClickID: parts[0], Handle: parts[1], Slug: parts[2]}, nil
}

func (s *Signer) mac(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("tenx ctx v1\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
