// Package openapi holds the tenx API contract and reads an operation's
// declared access (Access) for the server and the docs.
//
// The contract is written in parts, src/openapi.yaml (shared) and one
// src/<family>.yaml per resource family; `make gen` bundles them into
// openapi.yaml (command bundle), which everything else reads: this
// package's embedded copy, the gen package (server and models), the Go SDK
// in package client, and the endpoint coverage map. Never edit openapi.yaml.
package openapi

//go:generate go run ./bundle src openapi.yaml
//go:generate go tool oapi-codegen -config gen.yaml openapi.yaml
//go:generate go tool oapi-codegen -config client.yaml openapi.yaml
//go:generate go run ./coverage openapi.yaml ../docs/endpoint-coverage.md
