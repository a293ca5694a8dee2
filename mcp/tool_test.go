package mcp_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/jsonschema-go/jsonschema"

	"tenx/mcp"
	"tenx/openapi"
)

// patOperation is one PAT-plane operation of the spec, as the test reads
// it (not as package mcp does).
type patOperation struct {
	method, path string
	item         *openapi3.PathItem
	op           *openapi3.Operation
	scopes       []string
}

func patOperations(t *testing.T, doc *openapi3.T) []patOperation {
	t.Helper()
	var out []patOperation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var scopes []string
			pat := false
			for _, alt := range *op.Security {
				for name, s := range alt {
					if name == openapi.SchemePATBearer || name == openapi.SchemePATAPIKey {
						pat, scopes = true, s
					}
				}
			}
			if transport, _ := op.Extensions["x-mcp-transport"].(bool); !pat || transport {
				continue
			}
			out = append(out, patOperation{method: method, path: path, item: item, op: op, scopes: scopes})
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d PAT operations in the spec", len(out))
	}
	return out
}

func loadTools(t *testing.T) (*openapi3.T, map[string]*mcp.Tool) {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	tools, err := mcp.Tools(doc)
	if err != nil {
		t.Fatal(err)
	}
	byOp := map[string]*mcp.Tool{}
	for _, tool := range tools {
		byOp[tool.OperationID] = tool
	}
	return doc, byOp
}

// TestEveryPATOperationIsATool walks the spec: every PAT-plane operation
// (whatever families it holds) has exactly one tool, for its method, path
// and scopes, whose input schema is a valid JSON Schema taking exactly
// the operation's parameters (but handle) and its body, requiring what
// the operation requires, and nothing else. A family added later is
// walked too.
func TestEveryPATOperationIsATool(t *testing.T) {
	doc, byOp := loadTools(t)
	ops := patOperations(t, doc)
	if len(byOp) != len(ops) {
		t.Errorf("%d tools for %d PAT operations", len(byOp), len(ops))
	}
	for _, o := range ops {
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			tool, ok := byOp[o.op.OperationID]
			if !ok {
				t.Fatalf("operation %s has no tool", o.op.OperationID)
			}
			if tool.Method != o.method || tool.Path != o.path || !slices.Equal(tool.Scopes, o.scopes) {
				t.Errorf("tool %s is %s %s %v", tool.Name, tool.Method, tool.Path, tool.Scopes)
			}
			if !strings.Contains(tool.Description, o.op.Summary) {
				t.Errorf("description %q lacks the summary", tool.Description)
			}
			for _, s := range o.scopes {
				if !strings.Contains(tool.Description, s) {
					t.Errorf("description %q does not name scope %s", tool.Description, s)
				}
			}
			wantProps, wantRequired := accepted(o)
			props, _ := tool.InputSchema["properties"].(map[string]any)
			if got := sortedKeys(props); !slices.Equal(got, wantProps) {
				t.Errorf("tool %s takes %v, the operation %v", tool.Name, got, wantProps)
			}
			required, _ := tool.InputSchema["required"].([]string)
			if !slices.Equal(required, wantRequired) {
				t.Errorf("tool %s requires %v, the operation %v", tool.Name, required, wantRequired)
			}
			if tool.InputSchema["additionalProperties"] != false || tool.InputSchema["type"] != "object" {
				t.Errorf("tool %s's input is not a closed object: %v", tool.Name, tool.InputSchema)
			}
			resolved := resolve(t, tool.InputSchema)
			probeParameters(t, o, tool, resolved)
			probeBody(t, o, tool)
		})
	}
}

// accepted is what the operation takes, read from the spec: its
// parameters but handle, and "body" when it has one; and which are
// required.
func accepted(o patOperation) (props, required []string) {
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{o.op.Parameters, o.item.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p.Name == "handle" || seen[p.Name] {
				continue
			}
			seen[p.Name] = true
			props = append(props, p.Name)
			if p.Required {
				required = append(required, p.Name)
			}
		}
	}
	if rb := o.op.RequestBody; rb != nil {
		props = append(props, "body")
		if rb.Value.Required {
			required = append(required, "body")
		}
	}
	sort.Strings(props)
	sort.Strings(required)
	if required == nil {
		required = []string{}
	}
	return props, required
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func resolve(t *testing.T, schema map[string]any) *jsonschema.Resolved {
	t.Helper()
	raw, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("not a JSON Schema: %v\n%s", err, raw)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("JSON Schema does not resolve: %v\n%s", err, raw)
	}
	return r
}

// probes are values of every JSON type, short and long, in and out of
// usual bounds.
var probes = []any{"", "a", "launch", "promo-2026", strings.Repeat("x", 300), "DRAFT", "PUBLISHED",
	float64(0), float64(-1), float64(1), float64(50), float64(101), float64(1000), 1.5,
	true, false, []any{"a"}, map[string]any{"a": "b"}}

// probeParameters checks each parameter's property against the spec's
// schema for it: for every probe, the tool's schema and kin-openapi agree
// on whether the operation would accept it. Formats are left out: JSON
// Schema treats them as annotations, and the operation checks them.
func probeParameters(t *testing.T, o patOperation, tool *mcp.Tool, whole *jsonschema.Resolved) {
	props, _ := tool.InputSchema["properties"].(map[string]any)
	for _, list := range []openapi3.Parameters{o.op.Parameters, o.item.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p.Name == "handle" || p.Schema == nil || hasFormat(p.Schema.Value) {
				continue
			}
			prop, _ := props[p.Name].(map[string]any)
			resolved := resolve(t, prop)
			for _, v := range probes {
				specOK := p.Schema.Value.VisitJSON(v) == nil
				toolOK := resolved.Validate(v) == nil
				if specOK != toolOK {
					t.Errorf("parameter %s = %#v: spec accepts %v, tool %v", p.Name, v, specOK, toolOK)
				}
			}
		}
	}
	if required, _ := tool.InputSchema["required"].([]string); len(required) == 0 {
		if err := whole.Validate(map[string]any{}); err != nil {
			t.Errorf("tool %s refuses no arguments: %v", tool.Name, err)
		}
		if whole.Validate(map[string]any{"not_a_parameter": "x"}) == nil {
			t.Errorf("tool %s accepts an argument the operation has not", tool.Name)
		}
	}
}

// probeBody checks the body property against the spec's body schema with
// the same probes and with objects of the body's own properties.
func probeBody(t *testing.T, o patOperation, tool *mcp.Tool) {
	if o.op.RequestBody == nil {
		return
	}
	spec := o.op.RequestBody.Value.Content.Get("application/json").Schema.Value
	props, _ := tool.InputSchema["properties"].(map[string]any)
	body, _ := props["body"].(map[string]any)
	resolved := resolve(t, body)
	values := slices.Clone(probes)
	values = append(values, map[string]any{})
	for name := range spec.Properties {
		for _, v := range probes {
			values = append(values, map[string]any{name: v})
		}
	}
	for _, v := range values {
		if hasFormatDeep(spec, map[*openapi3.Schema]bool{}) && isObject(v) {
			continue
		}
		specOK := spec.VisitJSON(v, openapi3.VisitAsRequest()) == nil
		toolOK := resolved.Validate(v) == nil
		if specOK != toolOK {
			t.Errorf("body %#v: spec accepts %v, tool %v", v, specOK, toolOK)
		}
	}
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

func hasFormat(s *openapi3.Schema) bool {
	return s.Format != "" || (s.Items != nil && s.Items.Value.Format != "")
}

// hasFormatDeep reports whether a property of s (at any depth) has a
// format, which JSON Schema does not check.
func hasFormatDeep(s *openapi3.Schema, seen map[*openapi3.Schema]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if s.Format != "" {
		return true
	}
	for _, p := range s.Properties {
		if hasFormatDeep(p.Value, seen) {
			return true
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			if hasFormatDeep(r.Value, seen) {
				return true
			}
		}
	}
	return s.Items != nil && hasFormatDeep(s.Items.Value, seen)
}
