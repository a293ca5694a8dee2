package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"tenx"
)

// pageThrough follows nextToken to the end and returns the key of every
// item and the size of each page.
func pageThrough[T any](t *testing.T, find func(context.Context, tenx.Page) ([]T, string, error),
	limit int, key func(T) string) (keys []string, sizes []int) {
	t.Helper()
	page := tenx.Page{Limit: limit}
	for range 1000 {
		items, next, err := find(t.Context(), page)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			keys = append(keys, key(it))
		}
		sizes = append(sizes, len(items))
		if next == "" {
			return keys, sizes
		}
		page.Token = next
	}
	t.Fatal("nextToken never ran out")
	return nil, nil
}

// checkMalformedPageTokens fails unless find rejects every malformed token
// as a validation error of the field nextToken.
func checkMalformedPageTokens[T any](t *testing.T, find func(context.Context, tenx.Page) ([]T, string, error),
	tokens ...string) {
	t.Helper()
	for _, token := range tokens {
		_, _, err := find(t.Context(), tenx.Page{Token: token})
		checkCode(t, err, tenx.EVALIDATION)
		var e *tenx.Error
		if errors.As(err, &e); e.Field != "nextToken" {
			t.Errorf("token %q: Field = %q, want nextToken", token, e.Field)
		}
	}
}

// b64 encodes s as page tokens are encoded, to forge malformed ones.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
