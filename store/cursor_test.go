package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"tenx"
)

// finder reads one page of a list: at most limit items after nextToken.
type finder[T any] func(ctx context.Context, limit int, nextToken string) ([]T, string, error)

// pageThrough follows nextToken to the end and returns the key of every
// item and the size of each page.
func pageThrough[T any](t *testing.T, find finder[T], limit int, key func(T) string) (keys []string, sizes []int) {
	t.Helper()
	token := ""
	for range 1000 {
		items, next, err := find(t.Context(), limit, token)
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
		token = next
	}
	t.Fatal("nextToken never ran out")
	return nil, nil
}

// checkMalformedPageTokens fails unless find rejects every malformed token
// as a validation error of the field nextToken.
func checkMalformedPageTokens[T any](t *testing.T, find finder[T], tokens ...string) {
	t.Helper()
	for _, token := range tokens {
		_, _, err := find(t.Context(), 0, token)
		checkCode(t, err, tenx.EVALIDATION)
		var e *tenx.Error
		if errors.As(err, &e); e.Field != "nextToken" {
			t.Errorf("token %q: Field = %q, want nextToken", token, e.Field)
		}
	}
}

// b64 encodes s as page tokens are encoded, to forge malformed ones.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
