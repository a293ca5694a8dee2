package mcp

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/auth"
	"tenx/openapi"
)

// handleParam is the path parameter every PAT operation is scoped by; the
// MCP endpoint's URL names it, so no tool takes it.
const handleParam = "handle"

// bodyArg is the tool argument that carries an operation's JSON body.
const bodyArg = "body"

// Tool is one PAT-plane operation of the spec offered as an MCP tool.
type Tool struct {
	// Name is the tool's name: the operation's x-mcp-tool, or one derived
	// from its first tag and operationId (listLinksPublic -> links_list).
	Name string
	// Method and Path are the operation's, the path as the spec writes it
	// (/v2/public/handles/{handle}/links).
	Method, Path string
	// OperationID is the operation's operationId.
	OperationID string
	// Scopes are the PAT scopes the operation requires (none: any token).
	Scopes []string
	// Description is the operation's summary and the scope it needs.
	Description string
	// InputSchema is the JSON Schema of the arguments: one property per
	// path (but handle), query and header parameter, and "body" for the
	// JSON request body; nothing else.
	InputSchema map[string]any

	params []param
	body   bool // the operation takes a JSON body
}

// param is one parameter of a tool's operation.
type param struct {
	name, in string
	required bool
	array    bool // takes a list, sent as one value per item
}

// Allowed reports whether a token with these scopes may call the tool.
func (t *Tool) Allowed(granted []string) bool {
	for _, s := range t.Scopes {
		if !auth.Grants(granted, s) {
			return false
		}
	}
	return true
}

// Tools are the tools of every PAT-plane operation of doc, sorted by name.
// An operation the MCP server cannot offer (a body that is not JSON) or two
// operations with one name are an error: the spec must decide.
func Tools(doc *openapi3.T) ([]*Tool, error) {
	var tools []*Tool
	names := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			a, err := openapi.AccessOf(op)
			if err != nil {
				return nil, err
			}
			if !a.PAT || a.MCPTransport {
				continue
			}
			t, err := newTool(doc, path, item, method, op, a)
			if err != nil {
				return nil, fmt.Errorf("MCP tool of %s %s: %w", method, path, err)
			}
			if other, ok := names[t.Name]; ok {
				return nil, fmt.Errorf("MCP tool %q names both %s and %s (set %s on one)", t.Name, other, op.OperationID, openapi.ExtMCPTool)
			}
			names[t.Name] = op.OperationID
			tools = append(tools, t)
		}
	}
	sort.Slice(tools, func(i, j int) bool { return tools[i].Name < tools[j].Name })
	return tools, nil
}

func newTool(doc *openapi3.T, path string, item *openapi3.PathItem, method string, op *openapi3.Operation, a openapi.Access) (*Tool, error) {
	t := &Tool{Name: toolName(op), Method: method, Path: path, OperationID: op.OperationID, Scopes: a.Scopes}
	if t.Name == "" {
		return nil, fmt.Errorf("no tool name: set %s or give the operation a tag and an operationId", openapi.ExtMCPTool)
	}
	t.Description = describe(op, a)
	conv := newConverter(doc)
	props := map[string]any{}
	required := []string{}
	for _, p := range parameters(item, op) {
		if p.In == openapi3.ParameterInCookie {
			return nil, fmt.Errorf("cookie parameter %q cannot be a tool argument", p.Name)
		}
		if p.In == openapi3.ParameterInPath && p.Name == handleParam {
			continue
		}
		if p.Name == bodyArg || props[p.Name] != nil {
			return nil, fmt.Errorf("parameter %q is named twice", p.Name)
		}
		s := conv.schema(p.Schema)
		if p.Description != "" {
			s["description"] = p.Description
		}
		props[p.Name] = s
		array := p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type.Is(openapi3.TypeArray)
		t.params = append(t.params, param{name: p.Name, in: p.In, required: p.Required, array: array})
		if p.Required {
			required = append(required, p.Name)
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		media := rb.Content.Get("application/json")
		if media == nil || len(rb.Content) != 1 {
			return nil, fmt.Errorf("its request body is not (only) JSON, which a tool cannot carry")
		}
		s := conv.schema(media.Schema)
		s["description"] = "The JSON request body of " + method + " " + path + "."
		props[bodyArg] = s
		t.body = true
		if rb.Required {
			required = append(required, bodyArg)
		}
	}
	sort.Strings(required)
	t.InputSchema = map[string]any{"type": "object", "properties": props, "required": required,
		"additionalProperties": false}
	return t, conv.err
}

// parameters are the operation's parameters over its path item's (an
// operation's own wins, as OpenAPI says).
func parameters(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{op.Parameters, item.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil || seen[p.In+" "+p.Name] {
				continue
			}
			seen[p.In+" "+p.Name] = true
			out = append(out, p)
		}
	}
	return out
}

// describe is the tool's description: the summary, the scope it needs and
// the operation's own description.
func describe(op *openapi3.Operation, a openapi.Access) string {
	scope := "any personal access token"
	if len(a.Scopes) > 0 {
		scope = "scope " + strings.Join(a.Scopes, ", ")
	}
	d := fmt.Sprintf("%s. Needs %s.", strings.TrimSuffix(op.Summary, "."), scope)
	if op.Description != "" {
		d += "\n\n" + strings.TrimSpace(op.Description)
	}
	return d
}

// toolName is x-mcp-tool, or <tag>_<verb>[_<rest>] from the first tag and
// the operationId without its "Public": listLinksPublic (links) ->
// links_list, getCampaignHealthPublic (campaigns) -> campaigns_get_health.
// Words that repeat the tag (Link, Links) are left out.
func toolName(op *openapi3.Operation) string {
	if v, ok := op.Extensions[openapi.ExtMCPTool].(string); ok {
		return v
	}
	if len(op.Tags) == 0 || op.OperationID == "" {
		return ""
	}
	tag := strings.ToLower(strings.ReplaceAll(op.Tags[0], "-", "_"))
	words := splitCamel(strings.TrimSuffix(op.OperationID, "Public"))
	parts := []string{tag}
	for i, w := range words {
		if i > 0 && (w == tag || w+"s" == tag || w == strings.TrimSuffix(tag, "s")) {
			continue
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, "_")
}

// splitCamel splits "getCampaignHealth" into lower-case words: get,
// campaign, health. A run of capitals is one word (getMCPHealth: get, mcp,
// health).
func splitCamel(s string) []string {
	var words []string
	r := []rune(s)
	start := 0
	for i := 1; i < len(r); i++ {
		upper := unicode.IsUpper(r[i])
		if upper && (!unicode.IsUpper(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			words = append(words, strings.ToLower(string(r[start:i])))
			start = i
		}
	}
	return append(words, strings.ToLower(string(r[start:])))
}

// isWrite reports whether the operation changes something (for the tool's
// annotations).
func (t *Tool) isWrite() bool { return t.Method != http.MethodGet && t.Method != http.MethodHead }
