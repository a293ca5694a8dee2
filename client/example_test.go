package client_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"tenx/client"
)

// The README's Go snippet, compiled: every error is checked, and a
// non-2xx answer is an error too (JSON200 is nil then).
func Example() {
	ctx := context.Background()
	c, err := client.New("http://localhost:8080", client.WithPAT(os.Getenv("PAT_TOKEN")))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.ListLinksPublicWithResponse(ctx, "acme", nil)
	if err != nil {
		log.Fatal(err) // the request did not reach tenx
	}
	if res.JSON200 == nil {
		log.Fatalf("list links: %s: %s", res.Status(), res.Body) // the error envelope
	}
	for _, l := range res.JSON200.Links {
		fmt.Println(l.Slug, l.Url)
	}
}
