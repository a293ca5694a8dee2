// Package openapi holds the tenx API contract, openapi.yaml, and generates
// the gen package from it.
package openapi

//go:generate go tool oapi-codegen -config config.yaml openapi.yaml
