package auth

import (
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tenx"
)

// Audience is the `aud` of every access token tenx issues.
const Audience = "tenx-api"

// AccessClaims are the claims of an access token.
type AccessClaims struct {
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Tokens issues and verifies EdDSA access tokens.
type Tokens struct {
	keys   *KeySet
	issuer string
	ttl    time.Duration
	now    tenx.Clock
	parser *jwt.Parser
}

// NewTokens returns a token issuer; ttl is the access token lifetime.
func NewTokens(keys *KeySet, issuer string, ttl time.Duration, now tenx.Clock) *Tokens {
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}), // pinned: no alg confusion
		jwt.WithIssuer(issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(now),
	)
	return &Tokens{keys: keys, issuer: issuer, ttl: ttl, now: now, parser: parser}
}

// TTL is the lifetime of an access token.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs an access token for the user's session.
func (t *Tokens) Issue(userID, sessionID string) (string, time.Time, error) {
	now := t.now().Truncate(time.Second)
	exp := now.Add(t.ttl)
	claims := AccessClaims{SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		ID:        newJTI(),
		Issuer:    t.issuer,
		Subject:   userID,
		Audience:  jwt.ClaimStrings{Audience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = t.keys.signingID
	s, err := tok.SignedString(t.keys.signingKey)
	return s, exp, err
}

// Verify checks the signature, algorithm, issuer, audience and expiry of an
// access token. Expired tokens are ETOKENEXPIRED; anything else wrong is
// EINVALIDTOKEN.
func (t *Tokens) Verify(token string) (*AccessClaims, error) {
	var claims AccessClaims
	_, err := t.parser.ParseWithClaims(token, &claims, t.keyFor)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, tenx.Errorf(tenx.ETOKENEXPIRED, "access token expired")
	case err != nil:
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "access token is not valid")
	case claims.Subject == "" || claims.SessionID == "":
		return nil, tenx.Errorf(tenx.EINVALIDTOKEN, "access token is not valid")
	}
	return &claims, nil
}

func (t *Tokens) keyFor(tok *jwt.Token) (any, error) {
	kid, _ := tok.Header["kid"].(string)
	key, ok := t.keys.public[kid]
	if !ok {
		return nil, errors.New("unknown kid")
	}
	return ed25519.PublicKey(key), nil
}
