package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tenx/store/storetest"
)

func TestCreateToken(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	operator := e.MustSignup(t, "operator@example.com")
	creator := e.MustSignup(t, "creator@example.com")
	e.MustCreateHandle(t, owner, "acme")
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+operator.ID+`","role":"OPERATOR"},{"userId":"`+creator.ID+`","role":"CREATOR"}]`)
	create := func(tok, body string) *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/handles/acme/tokens", token: tok, body: body})
	}
	tests := []struct {
		name, token, body string
		status            int
		code, field       string
	}{
		{"creator may not", creator.Token, `{"name":"ci","scopes":["links.read"]}`, 403, "insufficient_role", ""},
		{"unknown scopes listed", owner.Token, `{"name":"ci","scopes":["links.read","links.admin","root"]}`, 400, "validation_error", "scopes"},
		{"no scopes", owner.Token, `{"name":"ci","scopes":[]}`, 400, "validation_error", "scopes"},
		{"empty name", owner.Token, `{"name":"","scopes":["links.read"]}`, 400, "validation_error", "name"},
		{"long name", owner.Token, `{"name":"` + strings.Repeat("n", 65) + `","scopes":["links.read"]}`, 400, "validation_error", "name"},
		{"expiry too long", owner.Token, `{"name":"ci","scopes":["links.read"],"expiresInDays":366}`, 400, "validation_error", "expiresInDays"},
		{"expiry zero", owner.Token, `{"name":"ci","scopes":["links.read"],"expiresInDays":0}`, 400, "validation_error", "expiresInDays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustError(t, create(tt.token, tt.body), tt.status, tt.code)
			if b.Field != tt.field {
				t.Errorf("field %q, want %q", b.Field, tt.field)
			}
		})
	}
	b := mustError(t, create(owner.Token, `{"name":"ci","scopes":["links.read","links.admin","root"]}`), 400, "validation_error")
	if !strings.Contains(b.Message, "links.admin") || !strings.Contains(b.Message, "root") {
		t.Errorf("unknown scopes not listed: %q", b.Message)
	}

	rec := create(operator.Token, `{"name":"ci-links","scopes":["links.write","links.read"],"expiresInDays":30}`)
	mustStatus(t, rec, http.StatusCreated)
	got := decode[struct {
		TokenID, Name, Token string
		Scopes               []string
		ExpiresAt            time.Time
	}](t, rec)
	if !strings.HasPrefix(got.Token, "patv1_"+got.TokenID+".") || !strings.HasPrefix(got.TokenID, "tok_") {
		t.Fatalf("token %q id %q", got.Token, got.TokenID)
	}
	if want := e.clock.Now().Add(30 * 24 * time.Hour); !got.ExpiresAt.Equal(want) {
		t.Errorf("expiresAt %v, want %v", got.ExpiresAt, want)
	}
	listed := e.do(request{method: "GET", path: "/v2/handles/acme/tokens", token: owner.Token})
	mustStatus(t, listed, http.StatusOK)
	if strings.Contains(listed.Body.String(), got.Token[len("patv1_"+got.TokenID+"."):]) {
		t.Fatal("the secret is shown again in the list")
	}
	one := decode[struct{ TokenID, CreatedBy string }](t, e.do(request{method: "GET", path: "/v2/handles/acme/tokens/" + got.TokenID, token: owner.Token}))
	if one.CreatedBy != operator.ID {
		t.Errorf("createdBy %q, want %q", one.CreatedBy, operator.ID)
	}
}

type httpRecorder = httptest.ResponseRecorder

func TestPATErrors(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	e.MustCreateHandle(t, owner, "beta")
	reader := e.MustCreatePAT(t, owner, "acme", "links.read")
	rec := e.do(request{method: "POST", path: "/v2/handles/acme/tokens", token: owner.Token,
		body: `{"name":"short","scopes":["links.read"],"expiresInDays":1}`})
	expiring := decode[struct{ Token string }](t, rec).Token
	links := "/v2/public/handles/acme/links"
	tests := []struct {
		name   string
		req    request
		status int
		code   string
	}{
		{"no credential", request{method: "GET", path: links}, 401, "missing_bearer_token"},
		{"not a token", request{method: "GET", path: links, token: "patv1_garbage"}, 401, "invalid_token"},
		{"bad checksum", request{method: "GET", path: links, token: mistype(reader)}, 401, "invalid_token"},
		{"unknown id", request{method: "GET", path: links, token: "patv1_tok_unknown." + strings.Repeat("A", 40) + "000000"}, 401, "invalid_token"},
		{"jwt on a PAT route", request{method: "GET", path: links, token: owner.Token}, 401, "invalid_token_format"},
		{"pat on a JWT route", request{method: "GET", path: "/v2/handles/acme/links", token: reader}, 403, "insufficient_scope"},
		{"pat managing pats", request{method: "POST", path: "/v2/handles/acme/tokens", token: reader, body: `{"name":"x","scopes":["links.read"]}`}, 403, "insufficient_scope"},
		{"other handle", request{method: "GET", path: "/v2/public/handles/beta/links", token: reader}, 403, "insufficient_scope"},
		{"missing scope", request{method: "PUT", path: links + "/launch", token: reader, body: `{"destinationUrl":"https://example.com"}`}, 403, "insufficient_scope"},
		{"x-api-key wins, no fallback", request{method: "GET", path: links, token: reader, header: http.Header{"X-Api-Key": {"patv1_garbage"}}}, 401, "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { mustError(t, e.do(tt.req), tt.status, tt.code) })
	}
	t.Run("missing scope names the required scopes", func(t *testing.T) {
		b := mustError(t, e.do(request{method: "DELETE", path: links + "/launch", token: reader}), 403, "insufficient_scope")
		if len(b.RequiredScopes) != 1 || b.RequiredScopes[0] != "links.write" {
			t.Fatalf("requiredScopes %v", b.RequiredScopes)
		}
	})
	t.Run("x-api-key and bearer both work", func(t *testing.T) {
		mustStatus(t, e.do(request{method: "GET", path: links, header: http.Header{"X-Api-Key": {reader}}}), 200)
		mustStatus(t, e.do(request{method: "GET", path: links, token: reader}), 200)
		mustStatus(t, e.do(request{method: "GET", path: links, token: "garbage", header: http.Header{"X-Api-Key": {reader}}}), 200)
	})
	t.Run("expired", func(t *testing.T) {
		mustStatus(t, e.do(request{method: "GET", path: links, token: expiring}), 200)
		e.clock.Add(24*time.Hour + time.Second)
		mustError(t, e.do(request{method: "GET", path: links, token: expiring}), 401, "token_expired")
	})
}

func TestRevokeIsImmediate(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	links := request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}
	mustStatus(t, e.do(links), 200) // cached now
	e.MustRevokePAT(t, owner, "acme", pat)
	mustError(t, e.do(links), 401, "token_revoked")
	id := tokenID(pat)
	mustError(t, e.do(request{method: "DELETE", path: "/v2/handles/acme/tokens/" + id, token: owner.Token}), 404, "not_found")
	mustError(t, e.do(request{method: "DELETE", path: "/v2/handles/acme/tokens/tok_never", token: owner.Token}), 404, "not_found")
	mustError(t, e.do(request{method: "GET", path: "/v2/handles/acme/tokens/" + id, token: owner.Token}), 404, "not_found")
}

func tokenID(pat string) string {
	return strings.TrimPrefix(strings.SplitN(pat, ".", 2)[0], "patv1_")
}

func TestRotateWithOverlap(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	old := e.MustCreatePAT(t, owner, "acme", "links.read", "analytics.*")
	rotate := func(id, body string) *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/handles/acme/tokens/" + id + "/rotate", token: owner.Token, body: body})
	}
	mustError(t, rotate(tokenID(old), `{"overlapSeconds":604801}`), 400, "validation_error")
	mustError(t, rotate("tok_never", `{}`), 404, "not_found")
	rec := rotate(tokenID(old), `{"overlapSeconds":60}`)
	mustStatus(t, rec, http.StatusCreated)
	next := decode[struct {
		Token, Name string
		Scopes      []string
	}](t, rec)
	if next.Token == old || next.Name != "test" || strings.Join(next.Scopes, ",") != "analytics.*,links.read" {
		t.Fatalf("rotated %+v", next)
	}
	links := func(tok string) *httpRecorder {
		return e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: tok})
	}
	mustStatus(t, links(old), 200)
	mustStatus(t, links(next.Token), 200)
	e.clock.Add(61 * time.Second)
	mustError(t, links(old), 401, "token_expired")
	mustStatus(t, links(next.Token), 200)

	t.Run("without overlap the old token stops at once", func(t *testing.T) {
		rec := rotate(tokenID(next.Token), `{}`)
		mustStatus(t, rec, http.StatusCreated)
		mustError(t, links(next.Token), 401, "token_expired")
	})
}

func TestTokenSelf(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "files.read")
	rec := e.do(request{method: "GET", path: "/v2/public/handles/acme/tokens/self", header: http.Header{"X-Api-Key": {pat}}})
	mustStatus(t, rec, 200)
	self := decode[struct {
		TokenID, Name, Handle string
		Scopes                []string
	}](t, rec)
	if self.TokenID != tokenID(pat) || self.Handle != "acme" || len(self.Scopes) != 1 || self.Scopes[0] != "files.read" {
		t.Fatalf("self %+v", self)
	}
	if strings.Contains(rec.Body.String(), strings.SplitN(pat, ".", 2)[1]) {
		t.Fatal("self shows the secret")
	}
}

func TestCreatorRemovalRevokesTheirTokens(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	contractor := e.MustSignup(t, "contractor@example.com")
	e.MustCreateHandle(t, owner, "acme")
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+contractor.ID+`","role":"OPERATOR"}]`)
	theirs := e.MustCreatePAT(t, contractor, "acme", "links.read")
	ours := e.MustCreatePAT(t, owner, "acme", "links.read")
	links := func(tok string) *httpRecorder {
		return e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: tok})
	}
	mustStatus(t, links(theirs), 200)
	e.MustSetCollaborators(t, owner, "acme", `[{"userId":"`+contractor.ID+`","role":"CREATOR"}]`) // demoted
	mustError(t, links(theirs), 401, "token_revoked")
	mustStatus(t, links(ours), 200)
}

func TestAuditEvents(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	e.clock.Add(time.Second) // events of one millisecond have no order
	e.MustRevokePAT(t, owner, "acme", pat)
	e.clock.Add(time.Second)
	e.MustSetCollaborators(t, owner, "acme", `[]`)
	rec := e.do(request{method: "GET", path: "/v2/handles/acme/audit-events?limit=2", token: owner.Token})
	mustStatus(t, rec, 200)
	page := decode[struct {
		Events []struct {
			Action, ActorUserID, TargetID, IP string
		}
		NextToken string
	}](t, rec)
	if len(page.Events) != 2 || page.Events[0].Action != "collaborators.replaced" || page.Events[1].Action != "token.revoked" ||
		page.Events[1].TargetID != tokenID(pat) || page.Events[1].ActorUserID != owner.ID || page.Events[1].IP == "" || page.NextToken == "" {
		t.Fatalf("events %+v", page)
	}
	rest := decode[struct{ Events []struct{ Action string } }](t,
		e.do(request{method: "GET", path: "/v2/handles/acme/audit-events?nextToken=" + page.NextToken, token: owner.Token}))
	if len(rest.Events) != 1 || rest.Events[0].Action != "token.created" {
		t.Fatalf("second page %+v", rest)
	}
}

func TestLastUsedIsCoalesced(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pat := e.MustCreatePAT(t, owner, "acme", "links.read")
	lastUsed := func() string {
		return decode[struct{ LastUsedAt string }](t, e.do(request{method: "GET",
			path: "/v2/handles/acme/tokens/" + tokenID(pat), token: owner.Token})).LastUsedAt
	}
	if lastUsed() != "" {
		t.Fatal("a new token has a lastUsedAt")
	}
	mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), 200)
	first := lastUsed()
	e.clock.Add(10 * time.Second)
	mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), 200)
	if got := lastUsed(); got != first || first == "" {
		t.Fatalf("lastUsedAt %q then %q: want one write per minute", first, got)
	}
	e.clock.Add(time.Minute)
	mustStatus(t, e.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}), 200)
	if got := lastUsed(); got == first {
		t.Fatal("lastUsedAt not updated after a minute")
	}
}

// TestRevocationAcrossInstances runs two servers on one Postgres: a token
// revoked on one stops working on the other within the PAT cache's second.
func TestRevocationAcrossInstances(t *testing.T) {
	url := storetest.PostgresURL(t)
	a := mustOpenServerAt(t, url)
	bdb := storetest.MustOpen(t, url, a.clock.Now)
	b := mustBuild(t, bdb, a.clock)
	owner := a.MustSignup(t, "owner@example.com")
	a.MustCreateHandle(t, owner, "acme")
	pat := a.MustCreatePAT(t, owner, "acme", "links.read")
	links := request{method: "GET", path: "/v2/public/handles/acme/links", token: pat}
	mustStatus(t, b.do(links), 200) // b caches it
	a.MustRevokePAT(t, owner, "acme", pat)
	mustError(t, a.do(links), 401, "token_revoked")
	a.clock.Add(time.Second)
	mustError(t, b.do(links), 401, "token_revoked")
}
