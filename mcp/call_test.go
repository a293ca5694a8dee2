package mcp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tenx/openapi"
)

func toolByName(t *testing.T, name string) *Tool {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	tools, err := Tools(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		if tool.Name == name {
			return tool
		}
	}
	t.Fatalf("no tool %s", name)
	return nil
}

func testCaller() *caller {
	return &caller{ctx: context.Background(), handle: "acme", remoteAddr: "203.0.113.7:5555",
		header: http.Header{"X-Api-Key": {"patv1_x.y"}, "Authorization": {"Bearer other"},
			"Cookie": {"session=1"}, "User-Agent": {"agent/1"}}}
}

// TestToolRequest: a tool call becomes its operation's request: path,
// query and header parameters in their places, the body as JSON, the
// caller's credential, address and user agent, and nothing else of the
// MCP request.
func TestToolRequest(t *testing.T) {
	put := toolByName(t, "campaigns_put_site_structure")
	req, err := put.request(testCaller(), json.RawMessage(`{"campaignId":"spring sale","If-Match":"\"3\"","body":{"pages":[]}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if req.Method != http.MethodPut || req.URL.EscapedPath() != "/v2/public/handles/acme/site-structure/campaigns/spring%20sale" ||
		req.Header.Get("If-Match") != `"3"` || string(body) != `{"pages":[]}` || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request: %s %s %v %s", req.Method, req.URL, req.Header, body)
	}
	if req.Header.Get("X-Api-Key") != "patv1_x.y" || req.Header.Get("Authorization") != "Bearer other" ||
		req.Header.Get("Cookie") != "" || req.Header.Get("User-Agent") != "agent/1" || req.RemoteAddr != "203.0.113.7:5555" {
		t.Errorf("forwarded: %v from %s", req.Header, req.RemoteAddr)
	}

	list := toolByName(t, "links_list")
	req, err = list.request(testCaller(), json.RawMessage(`{"tag":"promo","limit":10,"enabled":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if q := req.URL.Query(); req.URL.Path != "/v2/public/handles/acme/links" || q.Get("tag") != "promo" ||
		q.Get("limit") != "10" || q.Get("enabled") != "true" || req.Body != nil {
		t.Errorf("links_list: %s", req.URL)
	}
	if req, err = list.request(testCaller(), nil); err != nil || req.URL.RawQuery != "" {
		t.Errorf("no arguments: %v %v", req, err)
	}
}

func TestToolRequestRefusesWhatCannotBeSent(t *testing.T) {
	get, list := toolByName(t, "links_get"), toolByName(t, "links_list")
	for name, c := range map[string]struct {
		tool *Tool
		args string
		want string
	}{
		"not an object":         {list, `[1]`, "must be a JSON object"},
		"unknown argument":      {list, `{"colour":"red"}`, `no argument "colour"`},
		"missing path":          {get, `{}`, `"slug" is required`},
		"null path":             {get, `{"slug":null}`, `"slug" is required`},
		"a list for one value":  {get, `{"slug":["a","b"]}`, "not a list"},
		"an object for a value": {list, `{"tag":{"a":1}}`, "string, number or boolean"},
		"an object in a list":   {list, `{"tag":[{"a":1}]}`, "not a list"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := c.tool.request(testCaller(), json.RawMessage(c.args)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("request(%s): %v, want %q", c.args, err, c.want)
			}
		})
	}
}

// TestResult: the REST answer becomes the tool result.
func TestResult(t *testing.T) {
	for name, c := range map[string]struct {
		status            int
		contentType, body string
		isError           bool
		structured        bool
		text              string
	}{
		"object":   {200, "application/json", `{"a":1}`, false, true, `{"a":1}`},
		"array":    {200, "application/json", `[1]`, false, false, `[1]`},
		"error":    {403, "application/json", `{"error":"insufficient_scope"}`, true, true, `{"error":"insufficient_scope"}`},
		"no body":  {204, "", ``, false, false, "204 No Content"},
		"csv":      {200, "text/csv", "a,b\n", false, false, "200 OK\n\na,b\n"},
		"redirect": {302, "", "", false, false, "302 Found\nLocation: https://example.com/x"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder()
			if c.contentType != "" {
				rec.Header().Set("Content-Type", c.contentType)
			}
			if c.status == 302 {
				rec.Header().Set("Location", "https://example.com/x")
			}
			rec.WriteHeader(c.status)
			_, _ = rec.Write([]byte(c.body))
			r := result(rec)
			text := r.Content[0].(interface{ MarshalJSON() ([]byte, error) })
			raw, _ := text.MarshalJSON()
			var tc struct{ Text string }
			_ = json.Unmarshal(raw, &tc)
			if r.IsError != c.isError || (r.StructuredContent != nil) != c.structured || tc.Text != c.text {
				t.Errorf("result: isError=%v structured=%v text=%q", r.IsError, r.StructuredContent, tc.Text)
			}
		})
	}
}

// TestServeHTTPNeedsAPrincipal: the handler serves only requests the
// contract middleware authenticated.
func TestServeHTTPNeedsAPrincipal(t *testing.T) {
	h := New(nil, http.NotFoundHandler(), Config{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp/acme/mcp", strings.NewReader(`{}`)))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("unauthenticated: %d", rec.Code)
	}
}
