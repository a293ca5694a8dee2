package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"tenx/auth"
	"tenx/mcp"
	"tenx/metrics"
	"tenx/openapi"
	"tenx/server"
	"tenx/store/storetest"
)

// mcpEnv is a server on a real listener, for the SDK's own client.
type mcpEnv struct {
	*env
	url   string
	owner user
}

func openMCP(t *testing.T, dbURL string, opts ...option) *mcpEnv {
	t.Helper()
	e := mustOpenServerAt(t, dbURL, opts...)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	return &mcpEnv{env: e, url: srv.URL, owner: owner}
}

// endpoint is the MCP URL of a handle.
func (m *mcpEnv) endpoint(handle string) string { return m.url + "/mcp/" + handle + "/mcp" }

// withHeader adds a header to every request of the SDK's client.
type withHeader struct {
	name, value string
}

func (h withHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// connect opens an MCP session with the SDK's client, sending token as
// Authorization: Bearer (or in header, when given).
func (m *mcpEnv) connect(t *testing.T, handle, token string, header ...string) *sdk.ClientSession {
	t.Helper()
	s, err := m.tryConnect(t.Context(), handle, token, header...)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (m *mcpEnv) tryConnect(ctx context.Context, handle, token string, header ...string) (*sdk.ClientSession, error) {
	h := withHeader{"Authorization", "Bearer " + token}
	if len(header) > 0 {
		h = withHeader{header[0], token}
	}
	transport := &sdk.StreamableClientTransport{Endpoint: m.endpoint(handle),
		HTTPClient: &http.Client{Transport: h}, MaxRetries: -1}
	client := sdk.NewClient(&sdk.Implementation{Name: "tenx-test", Version: "1"}, nil)
	return client.Connect(ctx, transport, nil)
}

// every scope family, so that every tool is allowed.
func allScopes() []string {
	var out []string
	for _, f := range auth.Families {
		out = append(out, f.Name)
	}
	return out
}

func callTool(t *testing.T, s *sdk.ClientSession, name string, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	res, err := s.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// structured is a result's structured content as JSON, and its text.
func structured(t *testing.T, res *sdk.CallToolResult) (map[string]any, string) {
	t.Helper()
	var text string
	if len(res.Content) > 0 {
		if tc, ok := res.Content[0].(*sdk.TextContent); ok {
			text = tc.Text
		}
	}
	if res.StructuredContent == nil {
		return nil, text
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m, text
}

func mustToolError(t *testing.T, res *sdk.CallToolResult, code string) map[string]any {
	t.Helper()
	m, text := structured(t, res)
	if !res.IsError || m["error"] != code {
		t.Fatalf("want an error result %s, got isError=%v %s", code, res.IsError, text)
	}
	return m
}

// patToolsWithScopes lists, from the spec alone, the PAT operations a
// token holding exactly these concrete scopes may call: those that need
// none of others.
func patOperationsAllowed(t *testing.T, scopes ...string) []string {
	t.Helper()
	var ops []string
	for _, o := range specOperations(t) {
		a, err := openapi.AccessOf(o.op)
		if err != nil {
			t.Fatal(err)
		}
		if !a.PAT || a.MCPTransport {
			continue
		}
		if !slices.ContainsFunc(a.Scopes, func(s string) bool { return !slices.Contains(scopes, s) }) {
			ops = append(ops, o.op.OperationID)
		}
	}
	sort.Strings(ops)
	return ops
}

// operationsOf maps listed tools back to their operations.
func operationsOf(t *testing.T, list []*sdk.Tool) []string {
	t.Helper()
	tools, err := mcp.Tools(mustLoadSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, tool := range tools {
		byName[tool.Name] = tool.OperationID
	}
	var ops []string
	for _, tool := range list {
		op, ok := byName[tool.Name]
		if !ok {
			t.Fatalf("listed tool %s is no operation", tool.Name)
		}
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

func mustLoadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestMCPSession walks a session on each database: initialize, the tool
// list filtered by scope, the read tools agreeing with REST, writes, a
// scope refusal, bad arguments, and the health check.
func TestMCPSession(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		m := openMCP(t, url)
		mustStatus(t, m.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: m.owner.Token,
			body: `{"destinationUrl":"https://example.com/launch","tags":["promo"]}`}), http.StatusCreated)

		t.Run("list is filtered by scope", func(t *testing.T) {
			for _, scopes := range [][]string{{"links.read"}, {"analytics.read", "files.write"}, {"pages.write"}} {
				token := m.MustCreatePAT(t, m.owner, "acme", scopes...)
				s := m.connect(t, "acme", token)
				list, err := s.ListTools(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				granted := slices.Clone(scopes)
				for _, sc := range scopes { // x.write grants x.read
					if base, ok := strings.CutSuffix(sc, ".write"); ok {
						granted = append(granted, base+".read")
					}
				}
				want := patOperationsAllowed(t, granted...)
				if got := operationsOf(t, list.Tools); !slices.Equal(got, want) {
					t.Errorf("scopes %v: tools of %v, want %v", scopes, got, want)
				}
				health := m.do(request{method: "GET", path: "/mcp/acme/health", token: token})
				mustStatus(t, health, http.StatusOK)
				h := decode[struct {
					Status, Version string
					Tools           int
				}](t, health)
				if h.Status != "ok" || h.Version == "" || h.Tools != len(want) {
					t.Errorf("health %+v, want %d tools", h, len(want))
				}
			}
		})

		t.Run("read tools answer as REST", func(t *testing.T) {
			token := m.MustCreatePAT(t, m.owner, "acme", allScopes()...)
			s := m.connect(t, "acme", token, "X-Api-Key")
			compareReadTools(t, m, s, token)
		})

		t.Run("link writes", func(t *testing.T) {
			token := m.MustCreatePAT(t, m.owner, "acme", "links.write")
			s := m.connect(t, "acme", token)
			res := callTool(t, s, "links_upsert", map[string]any{"slug": "spring",
				"body": map[string]any{"destinationUrl": "https://example.com/spring", "title": "Spring"}})
			got, text := structured(t, res)
			if res.IsError || got["slug"] != "spring" || got["destinationUrl"] != "https://example.com/spring" {
				t.Fatalf("links_upsert: %s", text)
			}
			rest := decode[map[string]any](t, m.do(request{method: "GET", path: "/v2/public/handles/acme/links/spring", token: token}))
			if rest["title"] != "Spring" {
				t.Fatalf("REST sees %v", rest)
			}
			mustToolError(t, callTool(t, s, "links_upsert", map[string]any{"slug": "bad",
				"body": map[string]any{"destinationUrl": "ftp://example.com"}}), "validation_error")
			del := callTool(t, s, "links_delete", map[string]any{"slug": "spring"})
			if _, text := structured(t, del); del.IsError || !strings.HasPrefix(text, "204") {
				t.Fatalf("links_delete: %s", text)
			}
			mustToolError(t, callTool(t, s, "links_get", map[string]any{"slug": "spring"}), "not_found")
		})

		t.Run("scope refusal", func(t *testing.T) {
			s := m.connect(t, "acme", m.MustCreatePAT(t, m.owner, "acme", "links.read"))
			e := mustToolError(t, callTool(t, s, "links_upsert", map[string]any{"slug": "x",
				"body": map[string]any{"destinationUrl": "https://example.com"}}), "insufficient_scope")
			if !strings.Contains(fmt.Sprint(e["requiredScopes"]), "links.write") {
				t.Errorf("refusal does not name the scope: %v", e)
			}
		})

		t.Run("arguments", func(t *testing.T) {
			s := m.connect(t, "acme", m.MustCreatePAT(t, m.owner, "acme", "links.read"))
			mustToolError(t, callTool(t, s, "links_list", map[string]any{"colour": "red"}), "validation_error")
			e := mustToolError(t, callTool(t, s, "links_list", map[string]any{"limit": 1000}), "validation_error")
			if e["field"] != "limit" {
				t.Errorf("refusal names %v, want limit", e["field"])
			}
			mustToolError(t, callTool(t, s, "links_get", map[string]any{}), "validation_error")
			res := callTool(t, s, "links_list", map[string]any{"tag": "promo", "limit": 10})
			got, text := structured(t, res)
			if items, _ := got["links"].([]any); res.IsError || len(items) != 1 {
				t.Fatalf("links_list tag=promo: %s", text)
			}
		})
	})
}

// dropRequestCounts removes, at any depth, the usage meters' requestsToday:
// the one answer that counts the very requests made to read it, so the
// REST call after the tool call sees one more.
func dropRequestCounts(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "requestsToday")
		for _, e := range v {
			dropRequestCounts(e)
		}
	case []any:
		for _, e := range v {
			dropRequestCounts(e)
		}
	}
}

// compareReadTools calls, for every PAT operation that is a GET and needs
// no argument, its tool and the REST operation, and wants the same answer.
func compareReadTools(t *testing.T, m *mcpEnv, s *sdk.ClientSession, token string) {
	tools, err := mcp.Tools(mustLoadSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	called := 0
	for _, tool := range tools {
		if tool.Method != http.MethodGet || len(tool.InputSchema["required"].([]string)) > 0 {
			continue
		}
		called++
		res := callTool(t, s, tool.Name, nil)
		got, text := structured(t, res)
		rec := m.do(request{method: "GET", path: strings.Replace(tool.Path, "{handle}", "acme", 1), token: token})
		if res.IsError != (rec.Code >= 400) {
			t.Errorf("%s: isError=%v, REST answered %d", tool.Name, res.IsError, rec.Code)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			if !strings.HasSuffix(text, rec.Body.String()) {
				t.Errorf("%s: text %q, REST %q", tool.Name, text, rec.Body)
			}
			continue
		}
		want := decode[map[string]any](t, rec)
		delete(want, "requestId")
		delete(got, "requestId")
		dropRequestCounts(want)
		dropRequestCounts(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: tool %v, REST %v", tool.Name, got, want)
		}
	}
	if called < 5 {
		t.Fatalf("only %d read tools without arguments", called)
	}
}

// TestMCPTransport checks the HTTP side with raw requests: the session id
// header, JSON or SSE replies as asked, 401/403 from the contract
// middleware, unknown and closed sessions, GET and DELETE.
func TestMCPTransport(t *testing.T) {
	m := openMCP(t, storetest.SQLiteURL(t))
	token := m.MustCreatePAT(t, m.owner, "acme", "links.read")
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	post := func(accept, session, token, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "POST", m.endpoint("acme"), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	wantEnvelope := func(resp *http.Response, status int, code string) {
		t.Helper()
		b, _ := io.ReadAll(resp.Body)
		var e errorBody
		if resp.StatusCode != status || json.Unmarshal(b, &e) != nil || e.Error != code || e.RequestID == "" {
			t.Fatalf("want %d %s in the envelope, got %d %s", status, code, resp.StatusCode, b)
		}
	}

	sse := post("application/json, text/event-stream", "", token, initialize)
	body, _ := io.ReadAll(sse.Body)
	session := sse.Header.Get("Mcp-Session-Id")
	if sse.StatusCode != 200 || session == "" || !strings.HasPrefix(sse.Header.Get("Content-Type"), "text/event-stream") ||
		!strings.Contains(string(body), "\ndata: {") && !strings.HasPrefix(string(body), "data: {") {
		t.Fatalf("initialize (SSE): %d %v %q", sse.StatusCode, sse.Header, body)
	}
	js := post("application/json", "", token, initialize)
	body, _ = io.ReadAll(js.Body)
	jsonSession := js.Header.Get("Mcp-Session-Id")
	var reply struct {
		Result struct{ ServerInfo struct{ Name string } }
	}
	if js.StatusCode != 200 || jsonSession == "" || !strings.HasPrefix(js.Header.Get("Content-Type"), "application/json") ||
		json.Unmarshal(body, &reply) != nil || reply.Result.ServerInfo.Name != "tenx" {
		t.Fatalf("initialize (JSON): %d %v %q", js.StatusCode, js.Header, body)
	}
	initialized := `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	if r := post("application/json", jsonSession, token, initialized); r.StatusCode != http.StatusAccepted {
		t.Fatalf("initialized: %d", r.StatusCode)
	}
	list := post("application/json", jsonSession, token, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	body, _ = io.ReadAll(list.Body)
	if list.StatusCode != 200 || !strings.Contains(string(body), `"links_list"`) || strings.Contains(string(body), `"links_upsert"`) {
		t.Fatalf("tools/list (JSON): %d %s", list.StatusCode, body)
	}

	wantEnvelope(post("application/json", "", "", initialize), 401, "missing_bearer_token")
	other := m.MustSignup(t, "other@example.com")
	m.MustCreateHandle(t, other, "beta")
	wantEnvelope(post("application/json", "", m.MustCreatePAT(t, other, "beta", "links.read"), initialize), 403, "insufficient_scope")
	wantEnvelope(post("application/json", "", other.Token, initialize), 401, "invalid_token_format")
	wantEnvelope(post("application/json", "sunknown", token, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`), 404, "not_found")
	wantEnvelope(post("application/json", "junknown", token, `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`), 404, "not_found")
	wantEnvelope(post("application/json", "", token, `not json`), 400, "invalid_payload")
	wantEnvelope(post("application/json", "", token, `{"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":"`+
		strings.Repeat("x", 2<<20)+`"}}`), 413, "payload_too_large")
	old := mustError(t, m.do(request{method: "POST", path: "/mcp/acme/mcp", token: token, body: initialize,
		header: http.Header{"Accept": {"application/json"}, "Mcp-Protocol-Version": {"1999-01-01"}}}), 400, "validation_error")
	if !strings.Contains(old.Message, "protocol version") {
		t.Errorf("unsupported protocol version: %q", old.Message)
	}

	get := m.do(request{method: "GET", path: "/mcp/acme/mcp", token: token, header: http.Header{"Mcp-Session-Id": {session}}})
	mustError(t, get, http.StatusMethodNotAllowed, "method_not_allowed")
	if get.Header().Get("Allow") != "POST, DELETE" {
		t.Errorf("GET Allow: %q", get.Header().Get("Allow"))
	}
	mustStatus(t, m.do(request{method: "DELETE", path: "/mcp/acme/mcp", token: token,
		header: http.Header{"Mcp-Session-Id": {session}}}), http.StatusNoContent)
	wantEnvelope(post("application/json, text/event-stream", session, token, `{"jsonrpc":"2.0","id":4,"method":"tools/list"}`), 404, "not_found")
	mustError(t, m.do(request{method: "DELETE", path: "/mcp/acme/mcp", token: token,
		header: http.Header{"Mcp-Session-Id": {session}}}), http.StatusNotFound, "not_found")
	mustError(t, m.do(request{method: "DELETE", path: "/mcp/acme/mcp", token: token}), http.StatusBadRequest, "validation_error")
}

// TestMCPRevokedTokenMidSession: once the token is revoked, the session's
// next call is refused 401 by the contract middleware.
func TestMCPRevokedTokenMidSession(t *testing.T) {
	m := openMCP(t, storetest.SQLiteURL(t))
	token := m.MustCreatePAT(t, m.owner, "acme", "links.read")
	s := m.connect(t, "acme", token)
	if res := callTool(t, s, "links_list", nil); res.IsError {
		t.Fatalf("links_list: %v", res.Content)
	}
	m.MustRevokePAT(t, m.owner, "acme", token)
	_, err := s.CallTool(t.Context(), &sdk.CallToolParams{Name: "links_list"})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("call after revocation: %v, want 401", err)
	}
	rec := m.do(request{method: "POST", path: "/mcp/acme/mcp", token: token, body: `{"jsonrpc":"2.0","id":9,"method":"tools/list"}`,
		header: http.Header{"Mcp-Session-Id": {s.ID()}, "Accept": {"application/json, text/event-stream"}}})
	mustError(t, rec, http.StatusUnauthorized, "token_revoked")
	if !strings.Contains(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no WWW-Authenticate: %v", rec.Header())
	}
}

// TestMCPConcurrentSessions runs 20 sessions at once, each with its own
// token, each listing and calling tools.
func TestMCPConcurrentSessions(t *testing.T) {
	m := openMCP(t, storetest.SQLiteURL(t))
	mustStatus(t, m.do(request{method: "PUT", path: "/v2/handles/acme/links/launch", token: m.owner.Token,
		body: `{"destinationUrl":"https://example.com/launch"}`}), http.StatusCreated)
	const n = 20
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = m.MustCreatePAT(t, m.owner, "acme", "links.*")
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- oneSession(t.Context(), m, tokens[i], i)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	rec := m.do(request{method: "GET", path: "/v2/handles/acme/links?limit=100", token: m.owner.Token})
	if got := len(decode[struct{ Links []any }](t, rec).Links); got != n+1 {
		t.Errorf("%d links after %d sessions wrote one each, want %d", got, n, n+1)
	}
}

func oneSession(ctx context.Context, m *mcpEnv, token string, i int) error {
	s, err := m.tryConnect(ctx, "acme", token)
	if err != nil {
		return fmt.Errorf("session %d: connect: %w", i, err)
	}
	defer s.Close()
	list, err := s.ListTools(ctx, nil)
	if err != nil || len(list.Tools) < 4 {
		return fmt.Errorf("session %d: list: %v %v", i, list, err)
	}
	slug := fmt.Sprintf("session-%02d", i)
	res, err := s.CallTool(ctx, &sdk.CallToolParams{Name: "links_upsert", Arguments: map[string]any{"slug": slug,
		"body": map[string]any{"destinationUrl": "https://example.com/" + slug}}})
	if err != nil || res.IsError {
		return fmt.Errorf("session %d: upsert: %v %v", i, res, err)
	}
	res, err = s.CallTool(ctx, &sdk.CallToolParams{Name: "links_get", Arguments: map[string]any{"slug": slug}})
	if err != nil || res.IsError {
		return fmt.Errorf("session %d: get: %v %v", i, res, err)
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(raw), `"slug":"`+slug+`"`) {
		return fmt.Errorf("session %d: got another session's link: %s", i, raw)
	}
	return nil
}

// TestMCPToolCallsAreRateLimited: a tool call spends the token's budget
// once, for its MCP request (the operation it runs in process is paid
// for); over the budget the MCP request is 429 in the envelope. A REST
// request with the same token still pays.
func TestMCPToolCallsAreRateLimited(t *testing.T) {
	reg := metrics.New()
	m := openMCP(t, storetest.SQLiteURL(t), withConfig(func(c *server.Config) { c.PATPerMinute.Rate = 5 }), withMetrics(reg))
	token := m.MustCreatePAT(t, m.owner, "acme", "links.read")
	post := func(session, body string) *httptest.ResponseRecorder {
		h := http.Header{"Accept": {"application/json"}}
		if session != "" {
			h.Set("Mcp-Session-Id", session)
			h.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		return m.do(request{method: "POST", path: "/mcp/acme/mcp", token: token, body: body, header: h})
	}
	opened := post("", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	session := opened.Header().Get("Mcp-Session-Id")
	mustStatus(t, post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`), http.StatusAccepted)
	call := func() (*httptest.ResponseRecorder, string) {
		rec := post(session, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"links_list"}}`)
		var reply struct {
			Result struct {
				IsError           bool
				StructuredContent struct{ Error string }
			}
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &reply)
		if reply.Result.IsError {
			return rec, reply.Result.StructuredContent.Error
		}
		return rec, ""
	}
	for i := range 2 { // initialize and the notification spent 2 of 5; these spend 3 and 4
		if rec, e := call(); rec.Code != http.StatusOK || e != "" {
			t.Fatalf("call %d: %d %q %s", i+1, rec.Code, e, rec.Body)
		}
	}
	if rec, e := call(); rec.Code != http.StatusOK || e != "" || !strings.Contains(rec.Header().Get("RateLimit"), ";r=0;") {
		t.Fatalf("third call, the last of the budget: %d %q RateLimit %q %s", rec.Code, e, rec.Header().Get("RateLimit"), rec.Body)
	}
	mustError(t, m.do(request{method: "GET", path: "/v2/public/handles/acme/links", token: token}),
		http.StatusTooManyRequests, "rate_limited")
	rec, _ := call()
	mustError(t, rec, http.StatusTooManyRequests, "rate_limited")
	// The decisions counted are the ones made: 5 MCP requests allowed, the
	// REST request and the last MCP request refused; the tool calls'
	// operations made none.
	page := httptest.NewRecorder()
	reg.Handler().ServeHTTP(page, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`tenx_ratelimit_decisions_total{decision="allowed",kind="pat"} 5`,
		`tenx_ratelimit_decisions_total{decision="limited",kind="pat"} 2`} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
