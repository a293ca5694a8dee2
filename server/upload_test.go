package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tenx/server"
	"tenx/store/storetest"
)

// newFile creates a pending file of acme and returns what creation said.
func newFile(t *testing.T, e *env, owner user, body string) fileCreatedBody {
	t.Helper()
	rec := e.do(request{method: "POST", path: "/v2/handles/acme/files", token: owner.Token, body: body})
	mustStatus(t, rec, http.StatusCreated)
	return decode[fileCreatedBody](t, rec)
}

// TestUploadURL walks a file through its signed upload URL and every way
// the URL refuses a PUT, on both databases.
func TestUploadURL(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		f := newFile(t, e, owner, `{"fileName":"notes.txt","contentType":"text/plain","sizeBytes":11}`)

		mustError(t, e.put(t, f.UploadURL, "image/png", "hello world"), 400, "validation_error")
		mustError(t, e.put(t, f.UploadURL, "text/plain", "hello world, and more"), 413, "payload_too_large")
		if got := mustError(t, e.put(t, f.UploadURL, "text/plain", "hello"), 400, "validation_error"); got.Field != "Content-Length" {
			t.Errorf("short body: field %q", got.Field)
		}
		tampered := strings.Replace(f.UploadURL, "/u.upl_", "/u.upl_x", 1)
		mustError(t, e.put(t, tampered, "text/plain", "hello world"), 404, "not_found")
		sig := f.UploadURL[strings.LastIndexByte(f.UploadURL, '.')+1:]
		forged := strings.Replace(f.UploadURL, sig, strings.Repeat("A", len(sig)), 1)
		mustError(t, e.put(t, forged, "text/plain", "hello world"), 404, "not_found")
		mustError(t, e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID}), 404, "not_found")

		// The failed PUTs stored nothing and gave the URL back.
		mustStatus(t, e.put(t, f.UploadURL, "text/plain", "hello world"), http.StatusNoContent)
		mustError(t, e.put(t, f.UploadURL, "text/plain", "hello world"), 409, "conflict")

		got := decode[fileBody](t, e.do(request{method: "GET", path: "/v2/handles/acme/files/" + f.FileID, token: owner.Token}))
		if got.Status != "READY" {
			t.Fatalf("after upload: %+v", got)
		}
		checkDownload(t, e, f.FileID, "notes.txt", "text/plain", "hello world")
		// complete is idempotent once READY.
		mustStatus(t, e.do(request{method: "POST", path: "/v2/handles/acme/files/" + f.FileID + "/complete", token: owner.Token}), http.StatusOK)

		late := newFile(t, e, owner, `{"fileName":"late.txt","contentType":"text/plain","sizeBytes":1}`)
		e.clock.Add(15*time.Minute + time.Second)
		mustError(t, e.put(t, late.UploadURL, "text/plain", "x"), 410, "gone")
	})
}

// checkDownload follows a public file's link to its bytes.
func checkDownload(t *testing.T, e *env, id, name, contentType, content string) {
	t.Helper()
	rec := e.do(request{method: "GET", path: "/v2/public/files/" + id})
	mustStatus(t, rec, http.StatusFound)
	loc := strings.TrimPrefix(rec.Header().Get("Location"), "http://localhost:8080")
	rec = e.do(request{method: "GET", path: loc})
	mustStatus(t, rec, http.StatusOK)
	h := rec.Header()
	if h.Get("Content-Type") != contentType || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(h.Get("Content-Disposition"), name) || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download headers %v", h)
	}
	if b, _ := io.ReadAll(rec.Body); string(b) != content {
		t.Errorf("downloaded %q", b)
	}
	e.clock.Add(6 * time.Minute)
	mustError(t, e.do(request{method: "GET", path: loc}), 404, "not_found")
}

// TestFileExpiry: a file past its expiresAt answers 410 file_expired, and
// the purge job removes its object but keeps it listed as EXPIRED; a
// deleted file's link is 404.
func TestFileExpiry(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url)
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		exp := e.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		f := newFile(t, e, owner, `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":1,"expiresAt":"`+exp+`"}`)
		mustStatus(t, e.put(t, f.UploadURL, "text/plain", "a"), http.StatusNoContent)
		mustStatus(t, e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID}), http.StatusFound)
		e.clock.Add(time.Hour)
		mustError(t, e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID}), 410, "file_expired")
		if n, err := e.app.Purger.RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		mustError(t, e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID}), 410, "file_expired")
		owner.Token, _ = e.MustLogin(t, owner.Email)
		got := decode[fileBody](t, e.do(request{method: "GET", path: "/v2/handles/acme/files/" + f.FileID, token: owner.Token}))
		if got.Status != "EXPIRED" {
			t.Fatalf("after purge: %+v", got)
		}
		mustStatus(t, e.do(request{method: "DELETE", path: "/v2/handles/acme/files/" + f.FileID, token: owner.Token}), http.StatusNoContent)
		mustError(t, e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID}), 404, "not_found")
	})
}

// TestPendingFilesPurged: a file never uploaded is removed an hour after
// its upload URL expired; a READY one is kept.
func TestPendingFilesPurged(t *testing.T) {
	e := MustOpenServer(t)
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	pending := newFile(t, e, owner, `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":1}`)
	ready, _ := e.MustUploadFile(t, owner, "acme", "kept")
	e.clock.Add(15 * time.Minute)
	if n, err := e.app.Purger.RunOnce(t.Context()); err != nil || n != 0 {
		t.Fatalf("purge too early: %d, %v", n, err)
	}
	e.clock.Add(time.Hour)
	if n, err := e.app.Purger.RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	owner.Token, _ = e.MustLogin(t, owner.Email)
	mustError(t, e.do(request{method: "GET", path: "/v2/handles/acme/files/" + pending.FileID, token: owner.Token}), 404, "not_found")
	mustStatus(t, e.do(request{method: "GET", path: "/v2/handles/acme/files/" + ready, token: owner.Token}), http.StatusOK)
}

// TestFileQuota: the handle's quota counts pending and ready files.
func TestFileQuota(t *testing.T) {
	e := MustOpenServer(t, withConfig(func(c *server.Config) { c.HandleQuota = 10 }))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	newFile(t, e, owner, `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":6}`)
	mustError(t, e.do(request{method: "POST", path: "/v2/handles/acme/files", token: owner.Token,
		body: `{"fileName":"b.txt","contentType":"text/plain","sizeBytes":5}`}), 409, "quota_exceeded")
	newFile(t, e, owner, `{"fileName":"c.txt","contentType":"text/plain","sizeBytes":4}`)
}
