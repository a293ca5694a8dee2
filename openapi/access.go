package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Security scheme names, as the spec declares them.
const (
	SchemeJWT       = "jwtBearer"
	SchemePATBearer = "patBearer"
	SchemePATAPIKey = "patApiKey"
)

// Access is how an operation may be called, as its spec declares it. The
// server enforces it; the docs and the coverage map describe it.
type Access struct {
	Public        bool
	JWT           bool
	MinRole       string // x-min-role, for JWT callers
	PlatformAdmin bool   // x-platform-admin
	PAT           bool
	Scopes        []string // PAT scopes, all required
	// MCPTransport marks an operation of the MCP endpoint itself
	// (x-mcp-transport): it is no MCP tool, and no write, since each tool
	// call it carries is an operation of its own.
	MCPTransport bool
}

// Extensions the MCP server reads.
const (
	// ExtMCPTransport is true on the operations of the MCP endpoint.
	ExtMCPTransport = "x-mcp-transport"
	// ExtMCPTool names the MCP tool of a PAT operation, overriding the
	// name derived from its operationId.
	ExtMCPTool = "x-mcp-tool"
)

// AccessOf reads an operation's security and extensions. An operation that
// declares no security at all is an error, never public by default.
func AccessOf(op *openapi3.Operation) (Access, error) {
	var a Access
	if op.Security == nil {
		return a, fmt.Errorf("operation %s declares no security (use security: [] for public)", op.OperationID)
	}
	if len(*op.Security) == 0 {
		a.Public = true
		return a, nil
	}
	for _, alt := range *op.Security {
		for name, scopes := range alt {
			switch name {
			case SchemeJWT:
				a.JWT = true
			case SchemePATBearer, SchemePATAPIKey:
				a.PAT = true
				a.Scopes = union(a.Scopes, scopes)
			default:
				return a, fmt.Errorf("operation %s: unknown security scheme %q", op.OperationID, name)
			}
		}
	}
	if v, ok := op.Extensions["x-min-role"]; ok {
		role, _ := v.(string)
		if role != "CREATOR" && role != "OPERATOR" && role != "OWNER" {
			return a, fmt.Errorf("operation %s: x-min-role %v is not a role", op.OperationID, v)
		}
		a.MinRole = role
	}
	if v, ok := op.Extensions["x-platform-admin"]; ok {
		a.PlatformAdmin, _ = v.(bool)
	}
	if v, ok := op.Extensions[ExtMCPTransport]; ok {
		a.MCPTransport, _ = v.(bool)
	}
	return a, nil
}

func union(have, add []string) []string {
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

// JWTMode describes the JWT side: "", "JWT", "JWT (OPERATOR+)", "JWT (platform admin)".
func (a Access) JWTMode() string {
	switch {
	case !a.JWT:
		return ""
	case a.PlatformAdmin:
		return "JWT (platform admin)"
	case a.MinRole != "":
		return "JWT (" + a.MinRole + "+)"
	}
	return "JWT"
}

// PATMode describes the PAT side: "", "PAT (any scope)", "PAT (links.read)".
func (a Access) PATMode() string {
	switch {
	case !a.PAT:
		return ""
	case len(a.Scopes) == 0:
		return "PAT (any scope)"
	}
	return "PAT (" + strings.Join(a.Scopes, ", ") + ")"
}

// String is the one-line auth mode: "Public", "JWT (CREATOR+)",
// "PAT (links.read)", or both joined by " or ".
func (a Access) String() string {
	if a.Public {
		return "Public"
	}
	var modes []string
	for _, m := range []string{a.JWTMode(), a.PATMode()} {
		if m != "" {
			modes = append(modes, m)
		}
	}
	return strings.Join(modes, " or ")
}
