package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"tenx"
	"tenx/auth"
	"tenx/store"
	"tenx/store/storetest"
)

func TestLoadKeySet(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		c := newClock()
		db := storetest.MustOpen(t, url, c.Now)
		first, err := auth.LoadKeySet(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.FindSigningKeys(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 1 {
			t.Fatalf("stored %d signing keys, want 1", len(stored))
		}
		public := ed25519.NewKeyFromSeed(stored[0].PrivateKey).Public().(ed25519.PublicKey)
		want := []auth.JWK{{Kty: "OKP", Crv: "Ed25519", Kid: stored[0].ID, Alg: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(public)}}
		if diff := cmp.Diff(want, first.JWKS()); diff != "" {
			t.Errorf("JWKS (-want +got):\n%s", diff)
		}
		checkJWKS(t, first.JWKS())

		second, err := auth.LoadKeySet(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first.JWKS(), second.JWKS()); diff != "" {
			t.Errorf("second load JWKS (-first +second):\n%s", diff)
		}
		if again, _ := db.FindSigningKeys(t.Context()); len(again) != 1 {
			t.Errorf("after a second load the store holds %d keys, want 1", len(again))
		}
		// A token signed by one instance verifies on the other.
		tok, _, err := auth.NewTokens(first, testIssuer, accessTTL, c.Now).Issue("usr_1", "ses_1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.NewTokens(second, testIssuer, accessTTL, c.Now).Verify(tok); err != nil {
			t.Errorf("token of the first key set does not verify with the second: %v", err)
		}
	})
}

// checkJWKS checks the RFC 8037 shape of every key.
func checkJWKS(t *testing.T, keys []auth.JWK) {
	t.Helper()
	for _, k := range keys {
		if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || k.Kid == "" {
			t.Errorf("JWK %+v: want kty OKP, crv Ed25519, alg EdDSA, use sig and a kid", k)
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			t.Errorf("JWK %s: x %q decodes to %d bytes (%v), want %d", k.Kid, k.X, len(x), err, ed25519.PublicKeySize)
		}
	}
}

// TestLoadKeySetConcurrently starts several instances on one empty
// database at once: they must all end up with the same single key.
func TestLoadKeySetConcurrently(t *testing.T) {
	t.Parallel()
	storetest.Dialects(t, func(t *testing.T, url string) {
		t.Parallel()
		const instances = 8
		c := newClock()
		dbs := make([]*store.DB, instances)
		for i := range dbs {
			dbs[i] = storetest.MustOpen(t, url, c.Now)
		}
		sets := make([]*auth.KeySet, instances)
		errs := make([]error, instances)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range instances {
			wg.Go(func() {
				<-start
				sets[i], errs[i] = auth.LoadKeySet(t.Context(), dbs[i])
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
		}
		want := sets[0].JWKS()
		if len(want) != 1 {
			t.Fatalf("JWKS has %d keys, want 1", len(want))
		}
		checkJWKS(t, want)
		for i, ks := range sets[1:] {
			if diff := cmp.Diff(want, ks.JWKS()); diff != "" {
				t.Errorf("instance %d JWKS (-instance 0 +got):\n%s", i+1, diff)
			}
		}
		if stored, err := dbs[0].FindSigningKeys(t.Context()); err != nil || len(stored) != 1 {
			t.Errorf("store holds %d keys (%v), want 1", len(stored), err)
		}
	})
}

// TestLoadKeySetRotation adds a newer key: it signs from then on, and tokens
// of the older key keep verifying.
func TestLoadKeySetRotation(t *testing.T) {
	t.Parallel()
	e := mustOpenSQLiteEnv(t)
	oldToken := e.mustIssue(t, "usr_1", "ses_1")
	e.clock.Add(time.Minute) // newer, and the old token still lives
	if err := e.db.CreateSigningKey(t.Context(), &tenx.SigningKey{ID: "key-2", PrivateKey: newSeed(t)}); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.LoadKeySet(t.Context(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	jwks := keys.JWKS()
	checkJWKS(t, jwks)
	var kids []string
	for _, k := range jwks {
		kids = append(kids, k.Kid)
	}
	if diff := cmp.Diff([]string{"key-2", "key-1"}, kids); diff != "" {
		t.Errorf("JWKS kids, newest first (-want +got):\n%s", diff)
	}

	tokens := auth.NewTokens(keys, testIssuer, accessTTL, e.clock.Now)
	if _, err := tokens.Verify(oldToken); err != nil {
		t.Errorf("token of the older key: %v", err)
	}
	newToken, _, err := tokens.Issue("usr_1", "ses_1")
	if err != nil {
		t.Fatal(err)
	}
	if kid := kidOf(t, newToken); kid != "key-2" {
		t.Errorf("new token kid = %q, want key-2", kid)
	}
	if _, err := tokens.Verify(newToken); err != nil {
		t.Errorf("token of the newer key: %v", err)
	}
	// The old key set does not know key-2.
	_, err = e.tokens.Verify(newToken)
	checkCode(t, err, tenx.EINVALIDTOKEN)
}

func TestLoadKeySetRejectsBadKey(t *testing.T) {
	t.Parallel()
	c := newClock()
	db := storetest.MustOpen(t, storetest.SQLiteURL(t), c.Now)
	if err := db.CreateSigningKey(t.Context(), &tenx.SigningKey{ID: "short", PrivateKey: make([]byte, 16)}); err != nil {
		t.Fatal(err)
	}
	if ks, err := auth.LoadKeySet(t.Context(), db); err == nil {
		t.Fatalf("LoadKeySet with a 16-byte key = %v, want an error", ks.JWKS())
	}
}

func newSeed(t *testing.T) []byte {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed)
	return seed
}

// kidOf reads the kid header of a token without verifying it.
func kidOf(t *testing.T, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, &auth.AccessClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}
