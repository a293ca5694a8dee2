package auth_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx/auth"
)

// headers builds request headers; an empty value leaves the header out.
func headers(authorization, apiKey string) http.Header {
	h := http.Header{}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	if apiKey != "" {
		h.Set("x-api-key", apiKey)
	}
	return h
}

func TestExtractCredential(t *testing.T) {
	t.Parallel()
	const (
		jwtToken = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2ln"
		patToken = "patv1_tok_abc.secret"
	)
	tests := []struct {
		name          string
		authorization string
		apiKey        string
		want          auth.Credential
		wantOK        bool
	}{
		{name: "no headers"},
		{name: "bearer JWT", authorization: "Bearer " + jwtToken,
			want: auth.Credential{Token: jwtToken}, wantOK: true},
		{name: "scheme lower case", authorization: "bearer " + jwtToken,
			want: auth.Credential{Token: jwtToken}, wantOK: true},
		{name: "scheme upper case", authorization: "BEARER " + jwtToken,
			want: auth.Credential{Token: jwtToken}, wantOK: true},
		{name: "basic scheme", authorization: "Basic dXNlcjpwYXNz"},
		{name: "scheme only", authorization: "Bearer"},
		{name: "empty token", authorization: "Bearer "},
		{name: "blank token", authorization: "Bearer   \t "},
		{name: "scheme glued to token", authorization: "Bearer" + jwtToken},
		{name: "token without scheme", authorization: jwtToken},
		{name: "PAT in authorization", authorization: "Bearer " + patToken,
			want: auth.Credential{Token: patToken, PAT: true}, wantOK: true},
		{name: "PAT in x-api-key", apiKey: patToken,
			want: auth.Credential{Token: patToken, PAT: true, APIKey: true}, wantOK: true},
		{name: "JWT in x-api-key", apiKey: jwtToken,
			want: auth.Credential{Token: jwtToken, APIKey: true}, wantOK: true},
		{name: "prefix without underscore is no PAT", authorization: "Bearer patv1tok",
			want: auth.Credential{Token: "patv1tok"}, wantOK: true},
		{name: "both: x-api-key wins", authorization: "Bearer " + jwtToken, apiKey: patToken,
			want: auth.Credential{Token: patToken, PAT: true, APIKey: true}, wantOK: true},
		{name: "both: garbage x-api-key wins, no fallback", authorization: "Bearer " + patToken, apiKey: "garbage",
			want: auth.Credential{Token: "garbage", APIKey: true}, wantOK: true},
		{name: "both: x-api-key beats a non-bearer authorization", authorization: "Basic dXNlcjpwYXNz", apiKey: patToken,
			want: auth.Credential{Token: patToken, PAT: true, APIKey: true}, wantOK: true},
		{name: "blank x-api-key counts as absent", authorization: "Bearer " + jwtToken, apiKey: "   ",
			want: auth.Credential{Token: jwtToken}, wantOK: true},
		{name: "bearer token trimmed", authorization: "Bearer   " + jwtToken + " \t",
			want: auth.Credential{Token: jwtToken}, wantOK: true},
		{name: "x-api-key trimmed", apiKey: "  " + patToken + "\t",
			want: auth.Credential{Token: patToken, PAT: true, APIKey: true}, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := auth.ExtractCredential(headers(tt.authorization, tt.apiKey))
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("credential (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzExtractCredential(f *testing.F) {
	f.Add("", "")
	f.Add("Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln", "")
	f.Add("bearer patv1_tok_abc.secret", "")
	f.Add("Basic dXNlcjpwYXNz", "")
	f.Add("Bearer ", "")
	f.Add("Bearer  \t x \u00a0", "")
	f.Add("", "patv1_tok_abc.secret")
	f.Add("Bearer eyJ", " garbage ")
	f.Add("Bearer patv1_x", "\u2028")
	f.Fuzz(func(t *testing.T, authorization, apiKey string) {
		h := http.Header{"Authorization": {authorization}, "X-Api-Key": {apiKey}}
		c, ok := auth.ExtractCredential(h)
		if !ok {
			if c != (auth.Credential{}) {
				t.Fatalf("not present but credential = %+v", c)
			}
			if key := strings.TrimSpace(apiKey); key != "" {
				t.Fatalf("x-api-key %q ignored", apiKey)
			}
			return
		}
		if c.Token == "" {
			t.Fatal("present with an empty token")
		}
		if strings.TrimSpace(c.Token) != c.Token {
			t.Fatalf("token %q has surrounding space", c.Token)
		}
		if c.PAT != strings.HasPrefix(c.Token, auth.PATPrefix) {
			t.Fatalf("PAT = %v for token %q", c.PAT, c.Token)
		}
		if key := strings.TrimSpace(apiKey); key != "" && c.Token != key {
			t.Fatalf("token = %q, want the x-api-key %q", c.Token, key)
		}
	})
}
