package blob_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tenx"
	"tenx/blob"
	"tenx/blob/blobtest"
)

// stores opens each store the tests run against.
func stores(t *testing.T, fn func(t *testing.T, b *blob.Bucket)) {
	t.Run("file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "blobs")
		b, err := blob.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("blob dir: %v %v", fi, err)
		}
		fn(t, b)
	})
	t.Run("s3", func(t *testing.T) {
		b, err := blob.Open(t.Context(), blobtest.S3URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		fn(t, b)
	})
}

func key(t *testing.T) string { return "test/" + tenx.RandomBase62(12) + "/" + t.Name() }

// TestWrite: exactly the declared size is stored; a longer or shorter body
// stores nothing and leaves an existing object alone.
func TestWrite(t *testing.T) {
	stores(t, func(t *testing.T, b *blob.Bucket) {
		ctx, k := t.Context(), key(t)
		if err := b.Write(ctx, k, strings.NewReader("hello"), 5, "text/plain"); err != nil {
			t.Fatal(err)
		}
		if err := b.Write(ctx, k, strings.NewReader("hello world"), 5, "text/plain"); tenx.ErrorCode(err) != tenx.EPAYLOADTOOLARGE {
			t.Fatalf("long body: %v", err)
		}
		if err := b.Write(ctx, k, strings.NewReader("hi"), 5, "text/plain"); tenx.ErrorCode(err) != tenx.EVALIDATION {
			t.Fatalf("short body: %v", err)
		}
		r, size, err := b.Open(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != "hello" || size != 5 {
			t.Fatalf("read %q (%d)", got, size)
		}
		if err := b.Write(ctx, k+"-short", strings.NewReader("hi"), 5, "text/plain"); err == nil {
			t.Fatal("short body stored")
		}
		if _, err := b.Size(ctx, k+"-short"); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("a refused body left an object: %v", err)
		}
		if err := b.Delete(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(ctx, k); err != nil {
			t.Fatalf("deleting a missing object: %v", err)
		}
		if _, _, err := b.Open(ctx, k); tenx.ErrorCode(err) != tenx.ENOTFOUND {
			t.Fatalf("deleted object: %v", err)
		}
	})
}

// TestSignedURLs: S3 signs PUT URLs bound to a content type and GET URLs;
// the local directory signs nothing (tenx serves its own signed URLs).
func TestSignedURLs(t *testing.T) {
	stores(t, func(t *testing.T, b *blob.Bucket) {
		ctx, k := t.Context(), key(t)
		u, err := b.SignedURL(ctx, k, "PUT", "text/plain", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Presigns() {
			if u != "" {
				t.Fatalf("local store signed %q", u)
			}
			return
		}
		if code := do(t, "PUT", u, "image/png", "hello"); code != http.StatusForbidden {
			t.Fatalf("PUT with another content type: %d", code)
		}
		if code := do(t, "PUT", strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signature=0", 1), "text/plain", "hello"); code != http.StatusForbidden {
			t.Fatalf("PUT with a tampered signature: %d", code)
		}
		if code := do(t, "PUT", u, "text/plain", "hello"); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		if size, err := b.Size(ctx, k); err != nil || size != 5 {
			t.Fatalf("size %d, %v", size, err)
		}
		g, err := b.SignedURL(ctx, k, "GET", "", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if code := do(t, "GET", g, "", ""); code != http.StatusOK {
			t.Fatalf("GET: %d", code)
		}
	})
}

func do(t *testing.T, method, u, contentType, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestOpenRefuses names stores that cannot be opened.
func TestOpenRefuses(t *testing.T) {
	for _, u := range []string{"", "gs://bucket", "file://"} {
		if _, err := blob.Open(t.Context(), u); err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}
