package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// mcpRouteName selects the MCP comparison with -routes.
const mcpRouteName = "mcp-links-list"

// mcpReplies are the two ways the MCP server answers, by the Accept of
// the session's initialize: plain JSON, or one SSE event.
var mcpReplies = []struct{ name, accept string }{
	{"json", "application/json"},
	{"sse", "application/json, text/event-stream"},
}

// measureMCP measures the MCP overhead: a links_list tool call (one
// JSON-RPC POST in an open session, answered as JSON) against the REST
// call it makes, GET /v2/public/handles/bench/links with the same PAT,
// alternating the two in each round like tenx and bare. There are as many
// sessions as connections, as with one agent per connection: the SDK
// answers the calls of one session one after the other.
func measureMCP(ctx context.Context, w io.Writer, f *fixture, o options) error {
	for _, reply := range mcpReplies {
		if err := measureMCPReplies(ctx, w, f, o, reply.name, reply.accept); err != nil {
			return err
		}
	}
	return nil
}

func measureMCPReplies(ctx context.Context, w io.Writer, f *fixture, o options, name, accept string) error {
	header := patHeader(f)
	mcpHeader := header.Clone()
	mcpHeader.Set("Content-Type", "application/json")
	mcpHeader.Set("Accept", accept)
	mcpHeader.Set("Mcp-Protocol-Version", mcpProtocolVersion)
	rest := target{url: f.tenxURL + "/v2/public/handles/bench/links", header: header, status: http.StatusOK}
	for _, conns := range o.conns {
		sessions := make([]string, conns)
		for i := range sessions {
			s, err := openMCPSession(ctx, f.tenxURL, header, accept)
			if err != nil {
				return fmt.Errorf("MCP session: %w", err)
			}
			sessions[i] = s
		}
		var id atomic.Int64
		call := target{url: f.tenxURL + "/mcp/bench/mcp", header: mcpHeader, status: http.StatusOK,
			body: func() []byte {
				return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"links_list","arguments":{}}}`, id.Add(1))
			},
			prepare: func(r *http.Request) {
				r.Header.Set("Mcp-Session-Id", sessions[int(id.Load())%len(sessions)])
			},
			check: checkToolResult}
		p, err := measurePair(ctx, call, rest, conns, o)
		if err != nil {
			return err
		}
		fmt.Fprint(w, p.row(mcpRouteName+"/"+name, f.database, conns))
	}
	return nil
}

// mcpProtocolVersion is the MCP revision the run speaks.
const mcpProtocolVersion = "2025-06-18"

// patHeader is the credential of the fixture's PAT route.
func patHeader(f *fixture) http.Header {
	for _, r := range f.routes {
		if r.name == "pat-links-list" {
			return r.header.Clone()
		}
	}
	return http.Header{}
}

// openMCPSession initialises a session that answers in JSON, and checks
// that links_list answers the seeded links.
func openMCPSession(ctx context.Context, base string, header http.Header, accept string) (string, error) {
	client := newClient(1)
	defer client.CloseIdleConnections()
	post := func(session, body string) (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/mcp/bench/mcp", strings.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		req.Header = header.Clone()
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("Mcp-Protocol-Version", mcpProtocolVersion)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	resp, body, err := post("", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"`+
		mcpProtocolVersion+`","capabilities":{},"clientInfo":{"name":"benchload","version":"1"}}}`)
	if err != nil {
		return "", err
	}
	session := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || session == "" {
		return "", fmt.Errorf("initialize: %d %s", resp.StatusCode, body)
	}
	if resp, body, err = post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil || resp.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("initialized: %v %s", err, body)
	}
	resp, body, err = post(session, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"links_list","arguments":{}}}`)
	if err != nil {
		return "", err
	}
	if err := checkToolResult(body); err != nil || resp.StatusCode != http.StatusOK || bytes.Count(body, []byte(`"slug":`)) != 20 {
		return "", fmt.Errorf("links_list: %d %v %.300s", resp.StatusCode, err, body)
	}
	return session, nil
}

// checkToolResult fails on a JSON-RPC error or an error result, in a
// JSON reply or in the data of an SSE one.
func checkToolResult(body []byte) error {
	if _, data, ok := bytes.Cut(body, []byte("data: ")); ok {
		body, _, _ = bytes.Cut(data, []byte("\n"))
	}
	var reply struct {
		Error  *struct{ Message string }
		Result *struct {
			IsError bool `json:"isError"`
		}
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		return err
	}
	if reply.Error != nil || reply.Result == nil || reply.Result.IsError {
		return fmt.Errorf("tool call failed: %.200s", body)
	}
	return nil
}
