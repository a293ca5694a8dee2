package auth_test

import (
	"testing"

	"tenx/auth"
)

func BenchmarkPasswordHash(b *testing.B) {
	h := auth.DefaultPasswordHasher()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticateJWTCached is the hot path of every JWT request: the
// token is in the cache and the clock stands still.
func BenchmarkAuthenticateJWTCached(b *testing.B) {
	e := mustOpenSQLiteEnv(b)
	g := e.mustSignupAndLogin(b, "ann@example.com", false)
	if _, err := e.authn.AuthenticateJWT(b.Context(), g.AccessToken); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.authn.AuthenticateJWT(b.Context(), g.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokensVerify is the uncached cost: parsing, the Ed25519
// signature and the claim checks, without the session read.
func BenchmarkTokensVerify(b *testing.B) {
	e := mustOpenSQLiteEnv(b)
	tok := e.mustIssue(b, "usr_1", "ses_1")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.tokens.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}
