package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"tenx/gen"
	"tenx/openapi"
)

// servedSpec is the document served at /openapi.json and /openapi.yaml:
// the embedded spec with this instance as its server, and each
// operation's description led by its auth mode, for the docs.
//
// The server URL is relative ("/"): clients resolve it against where they
// fetched the spec, so /docs "Try it out" stays same-origin whether the
// page was opened at localhost, 127.0.0.1 or behind a proxy. The public
// URL names short links and the JWT issuer, not where the API is reached.
type servedSpec struct {
	doc  map[string]any // read-only once built
	yaml []byte
}

// sharedServedSpec is built once per process: it is read-only, and
// building it marshals the whole spec twice.
var sharedServedSpec = sync.OnceValues(newServedSpec)

func newServedSpec() (*servedSpec, error) {
	doc, err := openapi.Load() // a fresh copy: the contract's stays untouched
	if err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: "/", Description: "this instance (wherever this document was fetched from)"}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			a, err := openapi.AccessOf(op)
			if err != nil {
				return nil, err
			}
			op.Description = fmt.Sprintf("**Auth:** %s\n\n%s", a, op.Description)
		}
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("marshal spec: %w", err)
	}
	y, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("marshal spec: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	return &servedSpec{doc: m, yaml: y}, nil
}

// GetOpenAPIJSON serves the OpenAPI document as JSON.
func (s *Server) GetOpenAPIJSON(context.Context, gen.GetOpenAPIJSONRequestObject) (gen.GetOpenAPIJSONResponseObject, error) {
	return gen.GetOpenAPIJSON200JSONResponse(s.spec.doc), nil
}

// GetOpenAPIYAML serves the OpenAPI document as YAML.
func (s *Server) GetOpenAPIYAML(context.Context, gen.GetOpenAPIYAMLRequestObject) (gen.GetOpenAPIYAMLResponseObject, error) {
	return gen.GetOpenAPIYAML200ApplicationyamlResponse{Body: bytes.NewReader(s.spec.yaml),
		ContentLength: int64(len(s.spec.yaml))}, nil
}
