package server

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"tenx"
	"tenx/auth"
	"tenx/openapi"
)

// operation is one spec operation prepared at start-up for the hot path.
type operation struct {
	id          string
	route       *routers.Route
	requirement auth.Requirement
	// validate is false for operations with neither parameters nor a body,
	// where the request validator has nothing to check.
	validate bool
	hasBody  bool
	// stream marks an operation whose body is not JSON (an upload): it is
	// neither read by the middleware nor validated, but streamed by the
	// handler.
	stream bool
}

// contract is the embedded spec, indexed by Echo route.
type contract struct {
	doc *openapi3.T
	ops map[route]*operation
}

// route is an Echo route: method and path template ("/v2/handles/:handle").
// A struct key keeps the per-request lookup free of string building.
type route struct{ method, path string }

func (r route) String() string { return r.method + " " + r.path }

// defineFormats registers the string formats kin-openapi does not check by
// default. The registry is global and unguarded, so it is written once.
var defineFormats = sync.OnceFunc(func() {
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
})

// sharedContract is loaded once per process and shared by every Server:
// requests only read it (as they already do concurrently within one
// Server), and loading costs a parse and a validation of the whole spec,
// which tests that build hundreds of servers under -race should pay once.
// Each Server gets its own copy of the ops map (see forServer).
var sharedContract = sync.OnceValues(loadContract)

// forServer is c with an ops map of its own, so that a test's extra route
// (AddRoute) stays in its own Server.
func (c *contract) forServer() *contract {
	return &contract{doc: c.doc, ops: maps.Clone(c.ops)}
}

// loadContract reads the embedded spec and prepares every operation.
func loadContract() (*contract, error) {
	defineFormats()
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // or every request fails to match a server
	c := &contract{doc: doc, ops: make(map[route]*operation)}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o, err := newOperation(doc, path, item, method, op)
			if err != nil {
				return nil, err
			}
			c.ops[route{method, echoPath(path)}] = o
		}
	}
	return c, nil
}

func newOperation(doc *openapi3.T, path string, item *openapi3.PathItem, method string, op *openapi3.Operation) (*operation, error) {
	a, err := openapi.AccessOf(op)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req := requirementOf(a)
	// The MCP transport is no write itself: the tool calls it carries are
	// operations of their own, counted as such.
	req.Write = method != http.MethodGet && method != http.MethodHead && !a.MCPTransport
	params := len(op.Parameters) + len(item.Parameters)
	body := op.RequestBody != nil
	jsonBody := body && op.RequestBody.Value != nil && op.RequestBody.Value.Content["application/json"] != nil
	return &operation{
		id:          op.OperationID,
		route:       &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
		requirement: req,
		validate:    params > 0 || body,
		hasBody:     jsonBody,
		stream:      body && !jsonBody,
	}, nil
}

// requirementOf turns an operation's declared access into what auth enforces.
func requirementOf(a openapi.Access) auth.Requirement {
	return auth.Requirement{Public: a.Public, JWT: a.JWT, PAT: a.PAT, PATScopes: a.Scopes,
		MinRole: tenx.Role(a.MinRole), PlatformAdmin: a.PlatformAdmin}
}

// echoPath turns an OpenAPI path template into Echo's: {handle} -> :handle.
func echoPath(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p, '}')
		if i < 0 || j < i {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		b.WriteByte(':')
		b.WriteString(p[i+1 : j])
		p = p[j+1:]
	}
}
