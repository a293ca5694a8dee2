// Command coverage writes the Endpoint Coverage Map, a Markdown table of
// every operation of the spec with its auth mode, from openapi.yaml.
package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/openapi"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: coverage openapi.yaml out.md")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "coverage:", err)
		os.Exit(1)
	}
}

type row struct {
	method, path string
	op           *openapi3.Operation
	access       openapi.Access
}

func write(specPath, outPath string) error {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return err
	}
	var rows []row
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			a, err := openapi.AccessOf(op)
			if err != nil {
				return err
			}
			rows = append(rows, row{method: method, path: path, op: op, access: a})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].path != rows[j].path {
			return rows[i].path < rows[j].path
		}
		return rows[i].method < rows[j].method
	})
	return os.WriteFile(outPath, render(rows), 0o644)
}

func render(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString(`# Endpoint Coverage Map

Generated from [openapi/openapi.yaml](../openapi/openapi.yaml) by ` + "`make gen`" + `; do not edit.
Use it to choose JWT or PAT for a route: control-plane routes take a signed-in
user's JWT with at least the role shown; automation routes take a handle-scoped
Personal Access Token with the scopes shown (` + "`x.*`" + ` grants every ` + "`x.`" + ` scope,
` + "`x.write`" + ` grants ` + "`x.read`" + `). A PAT sent to a JWT-only route gets 403
` + "`insufficient_scope`" + `; a JWT sent to a PAT-only route gets 401 ` + "`invalid_token_format`" + `.

| Method | Path | Auth mode | Minimum role | PAT scopes | Summary |
|---|---|---|---|---|---|
`)
	for _, r := range rows {
		role := r.access.MinRole
		if r.access.PlatformAdmin {
			role = "platform admin"
		}
		scopes := strings.Join(r.access.Scopes, ", ")
		if r.access.PAT && scopes == "" {
			scopes = "(any)"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", r.method, r.path, r.access,
			dash(role), dash(scopes), strings.ReplaceAll(r.op.Summary, "|", "\\|"))
	}
	return b.Bytes()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
