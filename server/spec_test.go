package server_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"tenx/openapi"
)

func TestServedSpec(t *testing.T) {
	e := MustOpenServer(t)
	src, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/openapi.json", "/openapi.yaml"} {
		t.Run(path, func(t *testing.T) {
			rec := e.do(request{method: "GET", path: path})
			mustStatus(t, rec, 200)
			doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
			if err != nil {
				t.Fatalf("served spec does not parse: %v", err)
			}
			if err := doc.Validate(t.Context()); err != nil {
				t.Fatalf("served spec is invalid: %v", err)
			}
			// Relative, so /docs calls the origin it was opened at.
			if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
				t.Errorf("servers %+v, want the one relative server /", doc.Servers)
			}
			for p, item := range src.Paths.Map() {
				for method, op := range item.Operations() {
					served := doc.Paths.Find(p).GetOperation(method)
					a, _ := openapi.AccessOf(op)
					if served == nil || served.OperationID != op.OperationID ||
						!strings.HasPrefix(served.Description, "**Auth:** "+a.String()) {
						t.Errorf("%s %s served as %+v", method, p, served)
					}
				}
			}
		})
	}
}
