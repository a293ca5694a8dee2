package server_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"tenx/store/storetest"
)

// TestTextTheDatabaseCannotStore sends U+0000 (and bytes that are not
// UTF-8) through every kind of input that reaches the database: path,
// query, page token and JSON body. Postgres refuses such text (SQLSTATE
// 22021) where SQLite stores it, so without a check at the edge the same
// request answered 500 on one and 404 or 200 on the other; now it is 400
// validation_error on both.
func TestTextTheDatabaseCannotStore(t *testing.T) {
	nulToken := base64.RawURLEncoding.EncodeToString([]byte("\x00"))
	nulCursor := base64.RawURLEncoding.EncodeToString([]byte("1,\x00"))
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "alpha")
		admin := e.MustCreateAdmin(t, "admin@example.com")
		pat := e.MustCreatePAT(t, owner, "alpha", "links.read", "links.write")
		tests := []struct {
			name, method, path, token, body string
			field                           string
		}{
			{"short link slug", "GET", "/alpha/x%00", "", "", "slug"},
			{"short link handle", "GET", "/al%00pha/x", "", "", "handle"},
			{"short link not UTF-8", "GET", "/alpha/%ff", "", "", "slug"},
			{"handle in a JWT path", "GET", "/v2/handles/al%00pha", owner.Token, "", "handle"},
			{"handle in a PAT path", "GET", "/v2/public/handles/alpha/links/a%00", pat, "", "slug"},
			{"query", "GET", "/v2/public/handles/alpha/links?q=%00", pat, "", "q"},
			{"query not UTF-8", "GET", "/v2/handles/alpha/links?tag=%C3", owner.Token, "", "tag"},
			{"page token of a NUL", "GET", "/v2/public/handles/alpha/links?nextToken=" + nulToken, pat, "", "nextToken"},
			{"time cursor with a NUL", "GET", "/v2/handles/alpha/audit-events?nextToken=" + nulCursor, owner.Token, "", "nextToken"},
			{"token list cursor with a NUL", "GET", "/v2/handles/alpha/tokens?nextToken=" + nulCursor, owner.Token, "", "nextToken"},
			{"user list token of a NUL", "GET", "/v2/platform-admin/users?nextToken=" + nulToken, admin.Token, "", "nextToken"},
			{"JSON string", "PUT", "/v2/public/handles/alpha/links/launch", pat,
				`{"destinationUrl":"https://example.com/","title":"a\u0000b"}`, ""},
			{"JSON string, JWT", "POST", "/v2/handles", owner.Token, `{"handle":"beta","displayName":"\u0000"}`, ""},
			{"JSON key", "PATCH", "/v2/handles/alpha", owner.Token, `{"display\u0000Name":"x"}`, ""},
			{"JSON array element", "POST", "/v2/handles/alpha/tokens", owner.Token, `{"name":"ci","scopes":["links.read\u0000"]}`, ""},
			{"JSON, no credential needed", "POST", "/v2/auth/login", "", `{"email":"owner@example.com","password":"\u0000x"}`, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := mustError(t, e.do(request{method: tt.method, path: tt.path, token: tt.token, body: tt.body}),
					http.StatusBadRequest, "validation_error")
				if tt.field != "" && b.Field != tt.field {
					t.Errorf("field %q, want %q", b.Field, tt.field)
				}
			})
		}
		t.Run("an escaped backslash before u0000 is text", func(t *testing.T) {
			rec := e.do(request{method: "PATCH", path: "/v2/handles/alpha", token: owner.Token,
				body: `{"displayName":"C:\\u0000"}`})
			mustStatus(t, rec, http.StatusOK)
			if got := decode[struct{ DisplayName string }](t, rec).DisplayName; got != `C:\u0000` {
				t.Fatalf("displayName %q", got)
			}
		})
	})
}
