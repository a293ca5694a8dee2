package auth_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"tenx/auth"
)

func TestPasswordHasherRoundTrip(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher()
	hash, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=64,t=1,p=1$"; !strings.HasPrefix(hash, want) {
		t.Errorf("hash = %q, want prefix %q", hash, want)
	}
	if strings.Contains(hash, testPassword) {
		t.Errorf("hash %q contains the password", hash)
	}
	if !verifies(t, h, hash, testPassword) {
		t.Error("Verify(hash, password) = false, want true")
	}
	for _, wrong := range []string{"", "correct horse batterY", testPassword + " ", "x"} {
		if verifies(t, h, hash, wrong) {
			t.Errorf("Verify(hash, %q) = true, want false", wrong)
		}
	}

	again, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if again == hash {
		t.Errorf("two hashes of one password are equal (%q): salt not random", hash)
	}
	if !verifies(t, h, again, testPassword) {
		t.Error("second hash does not verify")
	}
}

// TestPasswordHasherReadsParametersFromHash shows that changing the hasher's
// parameters does not invalidate hashes made with the old ones.
func TestPasswordHasherReadsParametersFromHash(t *testing.T) {
	t.Parallel()
	old := auth.NewPasswordHasher(2, 128, 2)
	hash, err := old.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=128,t=2,p=2$"; !strings.HasPrefix(hash, want) {
		t.Fatalf("hash = %q, want prefix %q", hash, want)
	}
	if !verifies(t, auth.FastPasswordHasher(), hash, testPassword) {
		t.Error("a hash made with other parameters does not verify")
	}
}

func TestDefaultPasswordHasher(t *testing.T) {
	if testing.Short() {
		t.Skip("19 MiB argon2id: skipped with -short")
	}
	t.Parallel()
	h := auth.DefaultPasswordHasher()
	hash, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(hash, want) {
		t.Errorf("hash = %q, want prefix %q", hash, want)
	}
	if !verifies(t, h, hash, testPassword) {
		t.Error("Verify(hash, password) = false, want true")
	}
}

// TestPasswordHasherVerifyAbsentAccount checks the dummy path: an empty hash
// never verifies, not even with the dummy's own password.
func TestPasswordHasherVerifyAbsentAccount(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher()
	for _, pw := range []string{"", testPassword, "dummy password for absent accounts"} {
		if verifies(t, h, "", pw) {
			t.Errorf(`Verify("", %q) = true, want false`, pw)
		}
	}
}

// TestPasswordHasherVerifyMalformed feeds Verify broken hashes built from a
// real one, so that each row breaks exactly one thing.
func TestPasswordHasherVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := auth.FastPasswordHasher()
	good, err := h.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", alg, version, params, salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct {
		name, encoded string
	}{
		{name: "plain text", encoded: testPassword},
		{name: "dollar only", encoded: "$"},
		{name: "argon2i", encoded: with(1, "argon2i")},
		{name: "bcrypt", encoded: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{name: "other version", encoded: with(2, "v=16")},
		{name: "version not a number", encoded: with(2, "v=x")},
		{name: "too few parts", encoded: strings.Join(parts[:5], "$")},
		{name: "too many parts", encoded: good + "$extra"},
		{name: "params not numbers", encoded: with(3, "m=x,t=1,p=1")},
		{name: "params missing", encoded: with(3, "")},
		{name: "threads overflow uint8", encoded: with(3, "m=64,t=1,p=256")},
		{name: "negative time", encoded: with(3, "m=64,t=-1,p=1")},
		{name: "salt not base64", encoded: with(4, "!!!!")},
		{name: "key not base64", encoded: with(5, "!!!!")},
		{name: "key padded base64", encoded: with(5, parts[5]+"=")},
		{name: "key empty", encoded: with(5, "")},
		{name: "key truncated", encoded: with(5, parts[5][:len(parts[5])-4])},
		{name: "other salt", encoded: with(4, "AAAAAAAAAAAAAAAAAAAAAA")},
		{name: "zero time", encoded: with(3, "m=64,t=0,p=1")},
		{name: "zero threads", encoded: with(3, "m=64,t=1,p=0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, panicked := verifyRecover(h, tt.encoded, testPassword)
			if panicked != nil {
				t.Fatalf("Verify(%q) panicked: %v", tt.encoded, panicked)
			}
			if ok {
				t.Errorf("Verify(%q) = true, want false", tt.encoded)
			}
		})
	}
}

// verifyRecover calls Verify and reports a panic instead of crashing.
func verifyRecover(h *auth.PasswordHasher, encoded, password string) (ok bool, panicked any) {
	defer func() { panicked = recover() }()
	ok, err := h.Verify(encoded, password)
	if err != nil {
		panic(err)
	}
	return ok, nil
}

// verifies calls Verify on an idle hasher, which never answers unavailable.
func verifies(tb testing.TB, h *auth.PasswordHasher, encoded, password string) bool {
	tb.Helper()
	ok, err := h.Verify(encoded, password)
	if err != nil {
		tb.Fatalf("Verify: %v", err)
	}
	return ok
}

func TestHashToken(t *testing.T) {
	t.Parallel()
	a, b := auth.HashToken("token-a"), auth.HashToken("token-a")
	if len(a) != 32 {
		t.Fatalf("len(HashToken) = %d, want 32", len(a))
	}
	if fmt.Sprintf("%x", a) != fmt.Sprintf("%x", b) {
		t.Errorf("HashToken is not deterministic: %x != %x", a, b)
	}
	if want := sha256.Sum256([]byte("token-a")); string(a) != string(want[:]) {
		t.Errorf("HashToken = %x, want SHA-256 %x", a, want)
	}
	if string(auth.HashToken("token-b")) == string(a) {
		t.Error("two tokens hash alike")
	}
	if got := auth.HashToken(""); len(got) != 32 {
		t.Errorf(`len(HashToken("")) = %d, want 32`, len(got))
	}
}
