package auth_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/auth"
)

// tokenFacts are the claims a test compares.
type tokenFacts struct {
	Subject, SessionID, Issuer string
	Audience                   []string
	IssuedAt, ExpiresAt        time.Time
}

func factsOf(c *auth.AccessClaims) tokenFacts {
	return tokenFacts{Subject: c.Subject, SessionID: c.SessionID, Issuer: c.Issuer,
		Audience: c.Audience, IssuedAt: c.IssuedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC()}
}

func TestTokensIssueVerify(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	now := e.clock.Now()
	tok, exp, err := e.tokens.Issue("usr_1", "ses_1")
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(accessTTL); !exp.Equal(want) {
		t.Errorf("exp = %v, want now+ttl %v", exp, want)
	}
	if got := e.tokens.TTL(); got != accessTTL {
		t.Errorf("TTL() = %v, want %v", got, accessTTL)
	}
	claims, err := e.tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := tokenFacts{Subject: "usr_1", SessionID: "ses_1", Issuer: testIssuer,
		Audience: []string{auth.Audience}, IssuedAt: now, ExpiresAt: now.Add(accessTTL)}
	if diff := cmp.Diff(want, factsOf(claims)); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}

	parsed, _, err := jwt.NewParser().ParseUnverified(tok, &auth.AccessClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := e.signingKey(t)
	wantHeader := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": kid}
	if diff := cmp.Diff(wantHeader, parsed.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
}

// TestTokensIssueSubSecond issues at a clock with a fraction of a second:
// the token's times are whole seconds and it verifies at once (an iat in the
// future would be refused).
func TestTokensIssueSubSecond(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	now := e.clock.Now().Add(999 * time.Millisecond)
	e.clock.Set(now)
	tok, exp, err := e.tokens.Issue("usr_1", "ses_1")
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Truncate(time.Second).Add(accessTTL); !exp.Equal(want) {
		t.Errorf("exp = %v, want %v", exp, want)
	}
	if _, err := e.tokens.Verify(tok); err != nil {
		t.Errorf("verify right after issue: %v", err)
	}
}

func TestTokensVerifyExpiry(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	start := e.clock.Now()
	tok, exp, err := e.tokens.Issue("usr_1", "ses_1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"at issue", start, ""},
		{"a second before exp", exp.Add(-time.Second), ""},
		{"at exp", exp, tenx.ETOKENEXPIRED},
		{"a day after exp", exp.Add(24 * time.Hour), tenx.ETOKENEXPIRED},
	}
	for _, tt := range tests {
		e.clock.Set(tt.at)
		_, err := e.tokens.Verify(tok)
		if got := tenx.ErrorCode(err); got != tt.want {
			t.Errorf("%s: error code = %q, want %q (%v)", tt.name, got, tt.want, err)
		}
	}
}

// TestTokensVerifyRejects builds tokens by hand, each wrong in one way.
func TestTokensVerifyRejects(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	kid, key := e.signingKey(t)
	valid := func() auth.AccessClaims { return e.claims("usr_1", "ses_1") }
	with := func(change func(c *auth.AccessClaims)) auth.AccessClaims {
		c := valid()
		change(&c)
		return c
	}
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	public := []byte(key.Public().(ed25519.PublicKey))
	good := sign(t, jwt.SigningMethodEdDSA, key, kid, valid())
	goodParts := strings.Split(good, ".")

	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"not a JWT", "not-a-jwt"},
		{"three garbage segments", "a.b.c"},
		{"signature stripped", goodParts[0] + "." + goodParts[1] + "."},
		{"payload swapped", goodParts[0] + "." + segment(t, `{"sub":"usr_admin","sid":"ses_1","iss":"`+testIssuer+
			`","aud":["`+auth.Audience+`"],"exp":4102444800}`) + "." + goodParts[2]},
		{"wrong issuer", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) {
			c.Issuer = "https://evil.test"
		}))},
		{"no issuer", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) { c.Issuer = "" }))},
		{"wrong audience", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) {
			c.Audience = jwt.ClaimStrings{"other-api"}
		}))},
		{"no audience", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) { c.Audience = nil }))},
		{"no exp", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) { c.ExpiresAt = nil }))},
		{"iat in the future", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) {
			c.IssuedAt = jwt.NewNumericDate(e.clock.Now().Add(time.Minute))
		}))},
		{"nbf in the future", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) {
			c.NotBefore = jwt.NewNumericDate(e.clock.Now().Add(time.Minute))
		}))},
		{"no sid", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) { c.SessionID = "" }))},
		{"no sub", sign(t, jwt.SigningMethodEdDSA, key, kid, with(func(c *auth.AccessClaims) { c.Subject = "" }))},
		{"unknown kid", sign(t, jwt.SigningMethodEdDSA, key, "key-unknown", valid())},
		{"no kid", sign(t, jwt.SigningMethodEdDSA, key, "", valid())},
		{"other Ed25519 key", sign(t, jwt.SigningMethodEdDSA, otherKey, kid, valid())},
		{"HS256 keyed with the public key", sign(t, jwt.SigningMethodHS256, public, kid, valid())},
		{"HS256 keyed with the JWKS x", sign(t, jwt.SigningMethodHS256, []byte(e.keys.JWKS()[0].X), kid, valid())},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, valid())},
	}
	if _, err := e.tokens.Verify(good); err != nil {
		t.Fatalf("the untouched token does not verify: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := e.tokens.Verify(tt.token)
			checkCode(t, err, tenx.EINVALIDTOKEN)
			if claims != nil {
				t.Errorf("claims = %+v, want nil", claims)
			}
		})
	}
}

// segment base64url-encodes one JWT segment.
func segment(t *testing.T, json string) string {
	t.Helper()
	return base64.RawURLEncoding.EncodeToString([]byte(json))
}

// TestTokensCarryUniqueJTI: two access tokens minted for the same session
// in the same second differ, each with its own jti.
func TestTokensCarryUniqueJTI(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	seen := make(map[string]bool)
	for range 3 {
		tok, _, err := e.tokens.Issue("usr_1", "ses_1")
		if err != nil {
			t.Fatal(err)
		}
		claims, err := e.tokens.Verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		if len(claims.ID) < 16 || seen[claims.ID] {
			t.Fatalf("jti %q: empty, short or repeated (seen %v)", claims.ID, seen)
		}
		seen[claims.ID] = true
	}
}
