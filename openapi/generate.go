// Package openapi holds the tenx API contract, openapi.yaml, generates the
// gen package and the endpoint coverage map from it, and reads an
// operation's declared access (Access) for the server and the docs.
package openapi

//go:generate go tool oapi-codegen -config config.yaml openapi.yaml
//go:generate go run ./coverage openapi.yaml ../docs/endpoint-coverage.md
