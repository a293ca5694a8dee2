// Package client is tenx's Go SDK: the client generated from the spec
// (client.gen.go, with its own models; `make gen` writes it), with the two
// ways to authenticate.
//
//	c, err := client.New("https://api.example.com", client.WithPAT(os.Getenv("TENX_PAT")))
//	links, err := c.ListLinksPublicWithResponse(ctx, "acme", nil)
package client

import (
	"context"
	"net/http"
)

// Client is the generated client with typed responses.
type Client = ClientWithResponses

// Option configures a Client.
type Option = ClientOption

// New returns a client for the API at baseURL.
func New(baseURL string, opts ...Option) (*Client, error) {
	return NewClientWithResponses(baseURL, opts...)
}

// WithPAT authenticates every request with a personal access token in
// x-api-key, the header the API prefers for PATs.
func WithPAT(token string) Option { return withHeader("X-Api-Key", token) }

// WithJWT authenticates every request with a signed-in user's access token.
func WithJWT(accessToken string) Option { return withHeader("Authorization", "Bearer "+accessToken) }

func withHeader(name, value string) Option {
	return WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set(name, value)
		return nil
	})
}
