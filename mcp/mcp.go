// Package mcp is the per-handle MCP server of tenx: the Model Context
// Protocol over streamable HTTP (through the official Go SDK) at
// /mcp/{handle}/mcp, whose tools are the PAT-plane operations of the spec,
// generated at start-up (Tools).
//
// The package has no auth, validation or business logic of its own: the
// server's contract middleware authenticates every MCP request before the
// Handler sees it, and a tool call is turned into the HTTP request of its
// operation and served in process by the same REST handler, so scopes,
// validation, rate limits and audit apply to it as to the REST call.
package mcp

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"tenx"
)

// Config tunes the Handler.
type Config struct {
	// Version is the version the server reports (the API's).
	Version string
	// SessionTimeout closes a session idle this long (default 30 minutes).
	SessionTimeout time.Duration
	// Logger logs the SDK's troubles (default: discard).
	Logger *slog.Logger
}

// callerHeader carries, from Handler.ServeHTTP to the tool calls of the
// same request, the key of the request's caller (Handler.callers): the
// SDK hands a tool the header of the HTTP request that carried the call,
// and nothing else of it. A value the client sent is replaced.
const callerHeader = "Tenx-Mcp-Caller"

// Session id prefixes: the transport that answers a session (JSON or SSE
// replies) is chosen at initialize and read back from its id.
const (
	jsonSession = "j"
	sseSession  = "s"
)

// Handler serves the MCP endpoint of every handle.
type Handler struct {
	rest  http.Handler
	tools []*Tool
	// json and sse are the SDK's transports, one replying with JSON and
	// one with a single SSE event; each keeps its own sessions.
	json, sse http.Handler
	version   string

	callers sync.Map // key -> *caller, for the length of one request
}

// New builds the MCP server of tools (Tools of the spec); each tool call
// is served by rest, which must be the whole REST handler (its middleware
// included).
func New(tools []*Tool, rest http.Handler, cfg Config) *Handler {
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 30 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{rest: rest, tools: tools, version: cfg.Version}
	h.json = h.transport(cfg, jsonSession, true)
	h.sse = h.transport(cfg, sseSession, false)
	return h
}

// transport is one SDK handler whose session ids start with prefix.
func (h *Handler) transport(cfg Config, prefix string, jsonReplies bool) http.Handler {
	s := sdk.NewServer(&sdk.Implementation{Name: "tenx", Version: cfg.Version}, &sdk.ServerOptions{
		Logger:       cfg.Logger,
		GetSessionID: func() string { return prefix + rand.Text() },
	})
	for _, t := range h.tools {
		s.AddTool(t.sdkTool(), h.toolHandler(t))
	}
	s.AddReceivingMiddleware(h.filterToolList)
	return sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s }, &sdk.StreamableHTTPOptions{
		JSONResponse:   jsonReplies,
		SessionTimeout: cfg.SessionTimeout,
		Logger:         cfg.Logger,
		// Every request carries a PAT in a header, never a cookie, and is
		// authenticated before it gets here: a page on another site (or a
		// rebound DNS name) cannot make one. The protection would refuse
		// tenx behind a proxy on loopback, whose Host is the public name.
		DisableLocalhostProtection: true,
	})
}

// Tools are the server's tools, sorted by name.
func (h *Handler) Tools() []*Tool { return h.tools }

// Version is the version the server reports.
func (h *Handler) Version() string { return h.version }

// CountAllowed is how many tools a token with these scopes may call.
func (h *Handler) CountAllowed(scopes []string) int {
	n := 0
	for _, t := range h.tools {
		if t.Allowed(scopes) {
			n++
		}
	}
	return n
}

// ServeHTTP serves one MCP request (POST or DELETE) of the handle in the
// URL's {handle}, which the caller has authenticated with a PAT of that
// handle (the principal is in the request's context).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := tenx.PrincipalFromContext(r.Context())
	if p == nil || p.Handle == "" {
		http.Error(w, "MCP requests must be authenticated with a personal access token", http.StatusUnauthorized)
		return
	}
	key := rand.Text()
	h.callers.Store(key, &caller{ctx: r.Context(), handle: p.Handle, header: r.Header.Clone(),
		remoteAddr: r.RemoteAddr, scopes: p.Scopes})
	defer h.callers.Delete(key)
	r.Header.Set(callerHeader, key)
	h.pick(r).ServeHTTP(w, r)
}

// pick is the transport of the request's session, or for a new session
// the one its Accept asks for: SSE when it lists text/event-stream, JSON
// otherwise. The SDK wants both types listed on every POST; a client that
// takes JSON only gets its list completed.
func (h *Handler) pick(r *http.Request) http.Handler {
	t := h.json
	if id := r.Header.Get("Mcp-Session-Id"); id != "" {
		if !strings.HasPrefix(id, jsonSession) {
			t = h.sse // an unknown id is 404 there
		}
	} else if acceptsEventStream(r.Header.Values("Accept")) {
		t = h.sse
	}
	if r.Method == http.MethodPost && !acceptsEventStream(r.Header.Values("Accept")) {
		r.Header.Set("Accept", "application/json, text/event-stream")
	}
	return t
}

func acceptsEventStream(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, _, _ := strings.Cut(part, ";")
			if strings.EqualFold(strings.TrimSpace(mt), "text/event-stream") {
				return true
			}
		}
	}
	return false
}

// callerOf is the caller of the HTTP request that carried req.
func (h *Handler) callerOf(req sdk.Request) (*caller, error) {
	extra := req.GetExtra()
	if extra == nil || extra.Header == nil {
		return nil, fmt.Errorf("the request came without its HTTP request")
	}
	v, ok := h.callers.Load(extra.Header.Get(callerHeader))
	if !ok {
		return nil, fmt.Errorf("the request's caller is gone")
	}
	return v.(*caller), nil
}

// toolHandler runs t for the caller of the request.
func (h *Handler) toolHandler(t *Tool) sdk.ToolHandler {
	return func(_ context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		c, err := h.callerOf(req)
		if err != nil {
			return nil, err
		}
		return h.call(c, t, req.Params.Arguments), nil
	}
}

// filterToolList leaves in the answer to tools/list only the tools the
// caller's token may call. The others can still be called, and answer
// insufficient_scope as their REST operations do.
func (h *Handler) filterToolList(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		res, err := next(ctx, method, req)
		list, ok := res.(*sdk.ListToolsResult)
		if err != nil || method != "tools/list" || !ok {
			return res, err
		}
		c, err := h.callerOf(req)
		if err != nil {
			return nil, err
		}
		allowed := make(map[string]bool, len(h.tools))
		for _, t := range h.tools {
			allowed[t.Name] = t.Allowed(c.scopes)
		}
		kept := list.Tools[:0:0]
		for _, t := range list.Tools {
			if allowed[t.Name] {
				kept = append(kept, t)
			}
		}
		list.Tools = kept
		return list, nil
	}
}

// sdkTool is t as the SDK declares it.
func (t *Tool) sdkTool() *sdk.Tool {
	schema, _ := json.Marshal(t.InputSchema)
	write := t.isWrite()
	destructive, closed := t.Method == http.MethodDelete, false
	a := &sdk.ToolAnnotations{ReadOnlyHint: !write, OpenWorldHint: &closed,
		IdempotentHint: !write || t.Method == http.MethodPut || t.Method == http.MethodDelete}
	if write {
		a.DestructiveHint = &destructive
	}
	return &sdk.Tool{Name: t.Name, Description: t.Description, InputSchema: json.RawMessage(schema), Annotations: a}
}
