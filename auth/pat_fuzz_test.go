package auth_test

import (
	"strings"
	"testing"

	"tenx"
	"tenx/auth"
)

// FuzzParsePAT: the parser never panics, refuses with invalid_token only,
// and accepts nothing that a one-character change to a real token makes.
func FuzzParsePAT(f *testing.F) {
	_, real, _ := auth.NewPAT()
	for _, s := range []string{real, "", "patv1_", "patv1_tok_.", "patv1_tok_abc." + strings.Repeat("A", 46),
		"patv1_tok_a.b.c", "eyJhbGciOiJFZERTQSJ9.e30.sig", "patv1_tok_\x00." + strings.Repeat("z", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := auth.ParsePAT(s)
		if err != nil {
			if tenx.ErrorCode(err) != tenx.EINVALIDTOKEN || id != "" {
				t.Fatalf("ParsePAT(%q) = %q, %v", s, id, err)
			}
			return
		}
		if !strings.HasPrefix(s, "patv1_"+id+".") || !strings.HasPrefix(id, "tok_") {
			t.Fatalf("ParsePAT(%q) accepted id %q", s, id)
		}
	})
}

func TestParsePAT(t *testing.T) {
	id, token, hash := auth.NewPAT()
	got, err := auth.ParsePAT(token)
	if err != nil || got != id || len(hash) != 32 {
		t.Fatalf("ParsePAT(new) = %q, %v", got, err)
	}
	secret := strings.SplitN(token, ".", 2)[1]
	if len(secret) < 38 {
		t.Fatalf("secret %q is short", secret)
	}
	// Every single-character typo is caught by the checksum or the shape.
	for i := len("patv1_"); i < len(token); i++ {
		b := []byte(token)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		if _, err := auth.ParsePAT(string(b)); err == nil {
			t.Errorf("typo at %d accepted: %s", i, b)
		}
	}
	if _, other, _ := auth.NewPAT(); other == token {
		t.Fatal("two tokens are equal")
	}
}

func BenchmarkParsePAT(b *testing.B) {
	_, token, _ := auth.NewPAT()
	for b.Loop() {
		if _, err := auth.ParsePAT(token); err != nil {
			b.Fatal(err)
		}
	}
}
