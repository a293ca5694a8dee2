package mcp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/mcp"
)

// TestToolNames: the names the issue and the README promise, derived from
// the spec's tags and operationIds.
func TestToolNames(t *testing.T) {
	_, byOp := loadTools(t)
	for op, want := range map[string]string{
		"listLinksPublic": "links_list", "getLinkPublic": "links_get", "upsertLinkPublic": "links_upsert",
		"deleteLinkPublic": "links_delete", "getAnalyticsPublic": "analytics_get",
		"exportAnalyticsPublic": "analytics_export", "getCampaignHealthPublic": "campaigns_get_health",
		"getTokenSelf": "tokens_get_self",
	} {
		if tool, ok := byOp[op]; !ok || tool.Name != want {
			t.Errorf("%s: tool %+v, want %s", op, tool, want)
		}
	}
}

// specWith loads a small spec with the given paths.
func specWith(t *testing.T, paths string) (*openapi3.T, error) {
	t.Helper()
	src := `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
` + paths + `
components:
  securitySchemes:
    patBearer: { type: http, scheme: bearer }
  schemas:
    Node:
      type: object
      additionalProperties: false
      properties:
        name: { type: string, nullable: true, example: root }
        weight: { type: number, minimum: 0, exclusiveMinimum: true }
        children: { type: array, items: { $ref: "#/components/schemas/Node" } }
`
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc, nil
}

func TestToolsRefuseWhatTheyCannotOffer(t *testing.T) {
	op := func(id, extra string) string {
		return `    post:
      operationId: ` + id + `
      tags: [nodes]
      security: [{ patBearer: [nodes.write] }]
` + extra + `      responses: { "204": { description: ok } }
`
	}
	for name, c := range map[string]struct{ paths, want string }{
		"two tools with one name": {
			paths: "  /a:\n" + op("createNode", "") + "  /b:\n" + op("createNodePublic", ""),
			want:  `names both`},
		"a body that is not JSON": {
			paths: "  /a:\n" + op("uploadNode", "      requestBody: { content: { application/octet-stream: { schema: { type: string } } } }\n"),
			want:  "not (only) JSON"},
	} {
		t.Run(name, func(t *testing.T) {
			doc, _ := specWith(t, c.paths)
			if _, err := mcp.Tools(doc); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Tools: %v, want an error with %q", err, c.want)
			}
		})
	}
	t.Run("x-mcp-tool settles a clash", func(t *testing.T) {
		doc, _ := specWith(t, "  /a:\n"+op("createNode", "")+"  /b:\n"+op("createNodePublic", "      x-mcp-tool: nodes_create_public\n"))
		tools, err := mcp.Tools(doc)
		if err != nil || len(tools) != 2 || tools[0].Name != "nodes_create" || tools[1].Name != "nodes_create_public" {
			t.Fatalf("Tools: %v %v", tools, err)
		}
	})
}

// TestSchemaConversion: references are inlined (a recursive one becomes
// {} where it recurs), and OpenAPI's nullable, example and boolean
// exclusiveMinimum become JSON Schema.
func TestSchemaConversion(t *testing.T) {
	doc, _ := specWith(t, `  /nodes:
    post:
      operationId: createNode
      tags: [nodes]
      security: [{ patBearer: [nodes.write] }]
      requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/Node" } } } }
      responses: { "204": { description: ok } }`)
	tools, err := mcp.Tools(doc)
	if err != nil {
		t.Fatal(err)
	}
	body := tools[0].InputSchema["properties"].(map[string]any)["body"].(map[string]any)
	props := body["properties"].(map[string]any)
	name := props["name"].(map[string]any)
	if typ, _ := name["type"].([]any); len(typ) != 2 || typ[1] != "null" || name["nullable"] != nil || name["examples"] == nil {
		t.Errorf("name: %v", name)
	}
	weight := props["weight"].(map[string]any)
	if weight["exclusiveMinimum"] != float64(0) || weight["minimum"] != nil {
		t.Errorf("weight: %v", weight)
	}
	items := props["children"].(map[string]any)["items"].(map[string]any)
	if len(items) != 0 {
		t.Errorf("the recursive reference was not cut: %v", items)
	}
	resolve(t, tools[0].InputSchema)
}
