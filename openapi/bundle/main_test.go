package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// TestSpecBundleIsFresh loads the committed openapi/openapi.yaml and
// a fresh bundle of openapi/src with kin-openapi and compares them, then
// compares the text too: `make gen` must have been run after every change
// to the sources.
func TestSpecBundleIsFresh(t *testing.T) {
	fresh, err := bundle("../src")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(asJSON(t, committed), asJSON(t, fresh)); diff != "" {
		t.Fatalf("openapi.yaml differs from a bundle of src/ (-committed +fresh); run make gen:\n%s", diff)
	}
	if !bytes.Equal(committed, fresh) {
		t.Fatal("openapi.yaml is not byte for byte a bundle of src/; run make gen")
	}
}

// TestSpecBundleKeepsEverything checks that every path, every component under
// its own name and every x- extension of the sources is in the bundle.
func TestSpecBundleKeepsEverything(t *testing.T) {
	out, err := bundle("../src")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	names, _ := filepath.Glob("../src/*.yaml")
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, inventory(t, b)...)
	}
	if diff := cmp.Diff(sorted(want), sorted(inventory(t, out))); diff != "" {
		t.Fatalf("bundle lost or added entries (-sources +bundle):\n%s", diff)
	}
	if !bytes.HasPrefix(out, []byte(header)) {
		t.Fatal("bundle does not start with the generated-file header")
	}
}

// TestSpecBundleRefuses covers each way a set of sources can be wrong.
func TestSpecBundleRefuses(t *testing.T) {
	const linkPaths = "paths:\n  /links:\n    get:\n      operationId: listLinks\n      responses:\n        \"200\": {description: ok}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"duplicate path", map[string]string{"a.yaml": linkPaths, "b.yaml": linkPaths},
			`b.yaml: paths "/links" is already declared in a.yaml`},
		{"duplicate schema across files", map[string]string{
			"a.yaml": "components:\n  schemas:\n    Link: {type: object}\n",
			"b.yaml": "components:\n  schemas:\n    Link: {type: string}\n"},
			`b.yaml: components.schemas "Link" is already declared in a.yaml`},
		{"schema shared by the root", map[string]string{
			"a.yaml": "components:\n  schemas:\n    Error: {type: object}\n"},
			`a.yaml: components.schemas "Error" is already declared in openapi.yaml`},
		{"duplicate within one file", map[string]string{"a.yaml": linkPaths + "  /links:\n    get: {}\n"},
			`a.yaml: paths "/links" is already declared in a.yaml`},
		{"other top-level key", map[string]string{"a.yaml": "info: {title: x, version: '1'}\n"},
			`a.yaml: top-level key "info"`},
		{"dangling reference", map[string]string{
			"a.yaml": "components:\n  schemas:\n    Link: {$ref: \"#/components/schemas/Nowhere\"}\n"},
			"Nowhere"},
		{"not a mapping", map[string]string{"a.yaml": "- paths\n"}, "a.yaml: not a YAML mapping"},
		{"components not a mapping", map[string]string{"a.yaml": "components: [schemas]\n"}, "a.yaml: components is not a mapping"},
		{"invalid operation", map[string]string{
			"a.yaml": "paths:\n  /x:\n    get:\n      operationId: x\n"},
			"the bundle is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{rootFile: miniRoot}
			for name, text := range tt.files {
				files[name] = text
			}
			for name, text := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := bundle(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("bundle: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestSpecBundleMerges bundles a minimal root and family and checks the order
// and the refs: the family's entries follow the root's, as written.
func TestSpecBundleMerges(t *testing.T) {
	dir := t.TempDir()
	family := "# Links.\n\npaths:\n  /links:\n    get:\n      operationId: listLinks\n      x-min-role: CREATOR\n" +
		"      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n" +
		"              schema: {$ref: \"#/components/schemas/Link\"}\n        \"500\": {$ref: \"#/components/responses/Oops\"}\n" +
		"components:\n  schemas:\n    Link: {type: object}\n"
	for name, text := range map[string]string{rootFile: miniRoot, "link.yaml": family} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := bundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := header + `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /links:
    get:
      operationId: listLinks
      x-min-role: CREATOR
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Link"}
        "500": {$ref: "#/components/responses/Oops"}
components:
  responses:
    Oops: {description: oops}
  schemas:
    Error: {type: object}
    Link: {type: object}
`
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Fatalf("bundle (-want +got):\n%s", diff)
	}
}

// miniRoot is the smallest root the tests build on.
const miniRoot = `# The root.

openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  responses:
    Oops: {description: oops}
  schemas:
    Error: {type: object}
`

// asJSON is the document as kin-openapi reads it, as JSON.
func asJSON(t *testing.T, b []byte) string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// inventory lists a document's paths, its components by section and name,
// and every x- key with where it is.
func inventory(t *testing.T, b []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *yaml.Node, at string)
	walk = func(n *yaml.Node, at string) {
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if strings.HasPrefix(k, "x-") || at == "/paths" || strings.HasPrefix(at, "/components/") && strings.Count(at, "/") == 2 {
				out = append(out, at+"/"+k)
			}
			walk(n.Content[i+1], at+"/"+k)
		}
		for i := 0; n.Kind == yaml.SequenceNode && i < len(n.Content); i++ {
			walk(n.Content[i], at+"/[]")
		}
	}
	walk(doc.Content[0], "")
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
