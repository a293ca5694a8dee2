package server

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"tenx"
	"tenx/auth"
	"tenx/gen"
)

// Security scheme names, as the spec declares them.
const (
	schemeJWT       = "jwtBearer"
	schemePATBearer = "patBearer"
	schemePATAPIKey = "patApiKey"
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
}

// contract is the embedded spec, indexed by Echo route ("GET /v2/handles/:handle").
type contract struct {
	doc *openapi3.T
	ops map[string]*operation
}

// defineFormats registers the string formats kin-openapi does not check by
// default. The registry is global and unguarded, so it is written once.
var defineFormats = sync.OnceFunc(func() {
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
})

// loadContract reads the embedded spec and prepares every operation.
func loadContract() (*contract, error) {
	defineFormats()
	doc, err := gen.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load embedded spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("embedded spec is invalid: %w", err)
	}
	doc.Servers = nil // or every request fails to match a server
	c := &contract{doc: doc, ops: make(map[string]*operation)}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o, err := newOperation(doc, path, item, method, op)
			if err != nil {
				return nil, err
			}
			c.ops[routeKey(method, echoPath(path))] = o
		}
	}
	return c, nil
}

func newOperation(doc *openapi3.T, path string, item *openapi3.PathItem, method string, op *openapi3.Operation) (*operation, error) {
	req, err := requirementOf(doc, op)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	params := len(op.Parameters) + len(item.Parameters)
	return &operation{
		id:          op.OperationID,
		route:       &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
		requirement: req,
		validate:    params > 0 || op.RequestBody != nil,
		hasBody:     op.RequestBody != nil,
	}, nil
}

// requirementOf reads an operation's security: its alternatives, the PAT
// scopes, and the x-min-role / x-platform-admin extensions.
func requirementOf(doc *openapi3.T, op *openapi3.Operation) (auth.Requirement, error) {
	sec := doc.Security
	if op.Security != nil {
		sec = *op.Security
	}
	var r auth.Requirement
	if len(sec) == 0 {
		r.Public = true
		return r, nil
	}
	for _, alt := range sec {
		for name, scopes := range alt {
			switch name {
			case schemeJWT:
				r.JWT = true
			case schemePATBearer, schemePATAPIKey:
				r.PAT = true
				r.PATScopes = mergeScopes(r.PATScopes, scopes)
			default:
				return r, fmt.Errorf("unknown security scheme %q", name)
			}
		}
	}
	if v, ok := op.Extensions["x-min-role"]; ok {
		role, _ := v.(string)
		if !tenx.Role(role).Valid() {
			return r, fmt.Errorf("x-min-role %v is not a role", v)
		}
		r.MinRole = tenx.Role(role)
	}
	if v, ok := op.Extensions["x-platform-admin"]; ok {
		r.PlatformAdmin, _ = v.(bool)
	}
	return r, nil
}

func mergeScopes(have, add []string) []string {
	for _, s := range add {
		if !contains(have, s) {
			have = append(have, s)
		}
	}
	sort.Strings(have)
	return have
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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

func routeKey(method, path string) string { return method + " " + path }
