package server

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"tenx"
	"tenx/gen"
	"tenx/mcp"
)

// mcpPath is the MCP endpoint of a handle, as Echo writes it.
const mcpPath = "/mcp/:handle/mcp"

// sharedTools are the MCP tools of the contract's PAT operations, built
// once per process like the contract itself.
var sharedTools = sync.OnceValues(func() ([]*mcp.Tool, error) {
	c, err := sharedContract()
	if err != nil {
		return nil, err
	}
	return mcp.Tools(c.doc)
})

// newMCP builds the MCP server whose tool calls this server's Echo serves.
func (s *Server) newMCP() error {
	tools, err := sharedTools()
	if err != nil {
		return err
	}
	s.mcp = mcp.New(tools, s.echo, mcp.Config{Version: s.contract.doc.Info.Version,
		Logger: s.log.With("component", "mcp")})
	return nil
}

// mountMCP registers the MCP transport. Its operations are in the spec,
// so the contract middleware authenticates every request (a PAT of the
// URL's handle) before the SDK sees it; they are served by the SDK, not by
// strict handlers (gen.yaml leaves them out).
func (s *Server) mountMCP(e *echo.Echo) {
	e.POST(mcpPath, s.serveMCP)
	e.DELETE(mcpPath, s.serveMCP)
	e.GET(mcpPath, func(c echo.Context) error {
		c.Response().Header().Set("Allow", "POST, DELETE")
		return tenx.Errorf(tenx.EMETHODNOTALLOWED,
			"tenx sends no server-initiated messages, so there is no standalone stream: POST your requests")
	})
}

// serveMCP hands the request to the MCP server, marked as paid for: its
// tool calls spend no more of the token's budgets. The SDK's plain-text
// refusals (an unknown session, a wrong Accept) leave in the error
// envelope like every other error.
func (s *Server) serveMCP(c echo.Context) error {
	r := c.Request()
	if p := tenx.PrincipalFromContext(r.Context()); p != nil {
		c.SetRequest(r.WithContext(budgetSpent(r.Context(), p)))
	}
	res := c.Response()
	catcher := &plainErrorCatcher{ResponseWriter: res.Writer}
	res.Writer = catcher
	s.mcp.ServeHTTP(res, c.Request())
	res.Writer = catcher.ResponseWriter
	if catcher.status == 0 {
		return nil
	}
	res.Committed, res.Size = false, 0
	res.Header().Del(echo.HeaderContentType)
	res.Header().Del("X-Content-Type-Options")
	return tenx.Errorf(mcpErrorCode(catcher.status), "%s", catcher.message())
}

// mcpErrorCode is the envelope code of an SDK refusal's status.
func mcpErrorCode(status int) string {
	switch status {
	case http.StatusNotFound:
		return tenx.ENOTFOUND
	case http.StatusMethodNotAllowed:
		return tenx.EMETHODNOTALLOWED
	case http.StatusRequestEntityTooLarge:
		return tenx.EPAYLOADTOOLARGE
	case http.StatusUnauthorized:
		return tenx.EMISSINGBEARER
	case http.StatusUnsupportedMediaType:
		return tenx.EINVALIDPAYLOAD
	}
	if status >= 500 {
		return tenx.EINTERNAL
	}
	return tenx.EVALIDATION
}

// plainErrorCatcher swallows a plain-text error answer (status 400 and
// up), keeping its status and the start of its text; anything else (a
// JSON-RPC answer, an SSE stream) passes through.
type plainErrorCatcher struct {
	http.ResponseWriter
	status int
	text   strings.Builder
}

// WriteHeader catches a plain-text error status.
func (w *plainErrorCatcher) WriteHeader(code int) {
	if code >= 400 && strings.HasPrefix(w.Header().Get(echo.HeaderContentType), "text/plain") {
		w.status = code
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write keeps the text of a caught error, and passes anything else on.
func (w *plainErrorCatcher) Write(b []byte) (int, error) {
	if w.status == 0 {
		return w.ResponseWriter.Write(b)
	}
	if w.text.Len() < 200 {
		w.text.Write(b)
	}
	return len(b), nil
}

// Unwrap lets http.ResponseController reach the connection's writer (the
// SDK flushes each SSE event).
func (w *plainErrorCatcher) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *plainErrorCatcher) message() string {
	m := strings.TrimSpace(w.text.String())
	if m == "" {
		m = http.StatusText(w.status)
	}
	return "MCP: " + m
}

// GetMCPHealth answers that the handle's MCP server is up, with the number
// of tools the calling token may call.
func (s *Server) GetMCPHealth(ctx context.Context, _ gen.GetMCPHealthRequestObject) (gen.GetMCPHealthResponseObject, error) {
	var scopes []string
	if p := tenx.PrincipalFromContext(ctx); p != nil {
		scopes = p.Scopes
	}
	return gen.GetMCPHealth200JSONResponse{Body: gen.MCPHealth{Status: "ok", Version: s.mcp.Version(),
		Tools: s.mcp.CountAllowed(scopes)}}, nil
}
