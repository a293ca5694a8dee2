package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// caller is what the tool calls of one MCP request need of that request:
// the handle of its URL, its credential and its client's address, so that
// each call is the REST request the client could have sent itself.
type caller struct {
	ctx        context.Context
	handle     string
	header     http.Header // the credential and forwarding headers to pass on
	remoteAddr string
	scopes     []string
}

// forwarded are the request headers a tool call passes on to its
// operation: the credential (x-api-key wins over Authorization, as on
// REST), the client's address behind a trusted proxy, its user agent.
var forwarded = []string{"Authorization", "X-Api-Key", "X-Forwarded-For", "X-Real-Ip", "User-Agent"}

// call runs t with args as its REST operation through rest, in process,
// and turns the answer into the tool's result. Arguments that the
// operation cannot take are refused here, since they could not be sent;
// everything else (types, formats, limits, scopes) is the operation's to
// check.
func (h *Handler) call(c *caller, t *Tool, args json.RawMessage) *sdk.CallToolResult {
	req, err := t.request(c, args)
	if err != nil {
		return argumentError(err)
	}
	rec := newRecorder()
	h.rest.ServeHTTP(rec, req)
	return result(rec)
}

// request builds the HTTP request of t's operation from the arguments.
func (t *Tool) request(c *caller, raw json.RawMessage) (*http.Request, error) {
	args := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &args); err != nil {
			return nil, fmt.Errorf("the arguments must be a JSON object")
		}
	}
	path := strings.Replace(t.Path, "{"+handleParam+"}", url.PathEscape(c.handle), 1)
	query := url.Values{}
	header := http.Header{}
	known := map[string]bool{}
	for _, p := range t.params {
		known[p.name] = true
		v, ok := args[p.name]
		if !ok || string(v) == "null" {
			if p.required {
				return nil, fmt.Errorf("argument %q is required", p.name)
			}
			continue
		}
		values, err := scalars(v, p.array)
		if err != nil {
			return nil, fmt.Errorf("argument %q: %w", p.name, err)
		}
		switch p.in {
		case "path":
			path = strings.Replace(path, "{"+p.name+"}", url.PathEscape(values[0]), 1)
		case "query":
			query[p.name] = values
		case "header":
			header[http.CanonicalHeaderKey(p.name)] = values
		}
	}
	var body io.Reader
	if t.body {
		known[bodyArg] = true
		if b, ok := args[bodyArg]; ok {
			body = bytes.NewReader(b)
		}
	}
	for name := range args {
		if !known[name] {
			return nil, fmt.Errorf("the tool takes no argument %q", name)
		}
	}
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(c.ctx, t.Method, target, body)
	if err != nil {
		return nil, fmt.Errorf("the arguments do not make a request: %w", err)
	}
	for _, k := range forwarded {
		if v := c.header.Values(k); len(v) > 0 {
			req.Header[k] = v
		}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = c.remoteAddr
	return req, nil
}

// scalars renders a JSON argument as parameter values: a string as it is,
// a number or boolean as written, the array of an array parameter as one
// value per item.
func scalars(v json.RawMessage, array bool) ([]string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err == nil {
		if !array {
			return nil, fmt.Errorf("must be one value, not a list")
		}
		out := make([]string, 0, len(list))
		for _, item := range list {
			s, err := scalar(item)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalar(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String(), nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err == nil {
		return strconv.FormatBool(b), nil
	}
	return "", fmt.Errorf("must be a string, number or boolean")
}

// argumentError is the result of arguments that make no request: the
// operation's own validation_error, in its envelope.
func argumentError(err error) *sdk.CallToolResult {
	body := map[string]any{"error": "validation_error", "message": err.Error()}
	text, _ := json.Marshal(body)
	return &sdk.CallToolResult{IsError: true, StructuredContent: body,
		Content: []sdk.Content{&sdk.TextContent{Text: string(text)}}}
}

// result is the REST answer as a tool result: a JSON object body is the
// structured content and, as the protocol asks, its text too; any other
// body is text; an error status makes it an error result carrying the
// error envelope.
func result(rec *recorder) *sdk.CallToolResult {
	body := rec.body.Bytes()
	r := &sdk.CallToolResult{IsError: rec.status >= 400}
	ct := rec.header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") && json.Valid(body) {
		if isObject(body) {
			// The body as it is: no decoding into a map to encode again.
			r.StructuredContent = json.RawMessage(body)
		}
		r.Content = []sdk.Content{&sdk.TextContent{Text: string(body)}}
		return r
	}
	text := fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status))
	if loc := rec.header.Get("Location"); loc != "" {
		text += "\nLocation: " + loc
	}
	if len(body) > 0 {
		text += "\n\n" + string(body)
	}
	r.Content = []sdk.Content{&sdk.TextContent{Text: text}}
	return r
}

// isObject reports whether a valid JSON text is an object: structured
// content must be one.
func isObject(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// recorder is the in-memory ResponseWriter a tool call's operation
// answers into.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

// Header is the response's header.
func (r *recorder) Header() http.Header { return r.header }

// WriteHeader records the status (the first one only).
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// Write records body bytes.
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
