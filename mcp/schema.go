package mcp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaPrefix starts every reference to a component schema.
const schemaPrefix = "#/components/schemas/"

// converter turns the spec's OpenAPI 3.0 schemas into self-contained JSON
// Schemas, as MCP clients read them: references inlined (a schema that
// contains itself becomes {} where it recurs: the REST validator still
// checks it), `nullable` as a "null" type, `example` as `examples`,
// the boolean exclusive bounds as numbers, extensions dropped.
type converter struct {
	doc   *openapi3.T
	stack []string // the component schemas being inlined
	err   error
}

func newConverter(doc *openapi3.T) *converter { return &converter{doc: doc} }

// schema converts ref into a fresh map the caller may change.
func (c *converter) schema(ref *openapi3.SchemaRef) map[string]any {
	if ref == nil || ref.Value == nil {
		return map[string]any{}
	}
	if name, ok := strings.CutPrefix(ref.Ref, schemaPrefix); ok {
		c.stack = append(c.stack, name)
		defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	}
	raw, err := json.Marshal(ref.Value)
	if err != nil {
		c.fail(err)
		return map[string]any{}
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		c.fail(err)
		return map[string]any{}
	}
	return c.fix(m)
}

func (c *converter) fail(err error) {
	if c.err == nil {
		c.err = fmt.Errorf("convert schema: %w", err)
	}
}

// fix inlines the references below m and rewrites its OpenAPI-only
// keywords, in place.
func (c *converter) fix(m map[string]any) map[string]any {
	if ref, ok := m["$ref"].(string); ok {
		return c.inline(ref)
	}
	for k, v := range m {
		if strings.HasPrefix(k, "x-") {
			delete(m, k)
			continue
		}
		switch k {
		case "properties":
			if props, ok := v.(map[string]any); ok {
				for name, p := range props {
					props[name] = c.fixAny(p)
				}
			}
		case "enum", "default", "example", "required":
			// values, not schemas
		default:
			m[k] = c.fixAny(v)
		}
	}
	openAPIKeywords(m)
	return m
}

// fixAny fixes a schema or a list of schemas (allOf, anyOf, oneOf).
func (c *converter) fixAny(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return c.fix(x)
	case []any:
		for i, item := range x {
			if s, ok := item.(map[string]any); ok {
				x[i] = c.fix(s)
			}
		}
	}
	return v
}

// inline is the component schema ref names, converted.
func (c *converter) inline(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, schemaPrefix)
	if !ok {
		c.fail(fmt.Errorf("reference %q is not to a component schema", ref))
		return map[string]any{}
	}
	for _, n := range c.stack {
		if n == name {
			return map[string]any{} // recursive: anything, checked by REST
		}
	}
	target := c.doc.Components.Schemas[name]
	if target == nil {
		c.fail(fmt.Errorf("reference %q names nothing", ref))
		return map[string]any{}
	}
	return c.schema(&openapi3.SchemaRef{Ref: ref, Value: target.Value})
}

// openAPIKeywords rewrites the OpenAPI 3.0 keywords of one schema level
// that JSON Schema spells differently.
func openAPIKeywords(m map[string]any) {
	if nullable, _ := m["nullable"].(bool); nullable {
		if t, ok := m["type"].(string); ok {
			m["type"] = []any{t, "null"}
		}
	}
	delete(m, "nullable")
	if ex, ok := m["example"]; ok {
		m["examples"] = []any{ex}
		delete(m, "example")
	}
	for _, b := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		excl, isBool := m[b[0]].(bool)
		if !isBool {
			continue
		}
		delete(m, b[0])
		if bound, ok := m[b[1]]; ok && excl {
			m[b[0]] = bound
			delete(m, b[1])
		}
	}
}
