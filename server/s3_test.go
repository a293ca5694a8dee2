package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"tenx/blob/blobtest"
	"tenx/store/storetest"
)

// s3Do sends a request to a URL of the S3 store itself.
func s3Do(t *testing.T, method, u, contentType, body string) (int, string) {
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
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestFilesOnS3: with an S3 store, the upload URL is S3's own presigned
// PUT; the file becomes READY when complete finds the object (a HEAD) of
// the declared size, and its public link redirects to a presigned GET.
func TestFilesOnS3(t *testing.T) {
	u := blobtest.S3URL(t)
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url, withBlobURL(u))
		owner := e.MustSignup(t, "owner@example.com")
		e.MustCreateHandle(t, owner, "acme")
		complete := func(id string) *httpRecorder {
			return e.do(request{method: "POST", path: "/v2/handles/acme/files/" + id + "/complete", token: owner.Token})
		}
		f := newFile(t, e, owner, `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":5}`)
		if strings.HasPrefix(f.UploadURL, "http://localhost:8080/") || !strings.Contains(f.UploadURL, "X-Amz-Signature=") {
			t.Fatalf("upload url %q", f.UploadURL)
		}
		mustError(t, complete(f.FileID), 400, "upload_incomplete")
		if code, _ := s3Do(t, "PUT", f.UploadURL, "image/png", "hello"); code != http.StatusForbidden {
			t.Fatalf("PUT with another content type: %d", code)
		}
		if code, body := s3Do(t, "PUT", f.UploadURL, "text/plain", "hell"); code != http.StatusOK {
			t.Fatalf("PUT: %d %s", code, body)
		}
		mustError(t, complete(f.FileID), 400, "upload_incomplete") // 4 bytes, not 5
		if code, body := s3Do(t, "PUT", f.UploadURL, "text/plain", "hello"); code != http.StatusOK {
			t.Fatalf("PUT: %d %s", code, body)
		}
		rec := complete(f.FileID)
		mustStatus(t, rec, http.StatusOK)
		if got := decode[fileBody](t, rec); got.Status != "READY" {
			t.Fatalf("completed %+v", got)
		}
		rec = e.do(request{method: "GET", path: "/v2/public/files/" + f.FileID})
		mustStatus(t, rec, http.StatusFound)
		if code, body := s3Do(t, "GET", rec.Header().Get("Location"), "", ""); code != http.StatusOK || body != "hello" {
			t.Fatalf("download: %d %q", code, body)
		}
		mustStatus(t, e.do(request{method: "DELETE", path: "/v2/handles/acme/files/" + f.FileID, token: owner.Token}), http.StatusNoContent)
		if code, _ := s3Do(t, "GET", rec.Header().Get("Location"), "", ""); code != http.StatusNotFound {
			t.Fatalf("deleted object still served: %d", code)
		}
	})
}

// TestSiteOnS3: a manifest uploaded straight to S3 activates once every
// object is there (HEADs at activation) and is served at /s/.
func TestSiteOnS3(t *testing.T) {
	e := MustOpenServer(t, withBlobURL(blobtest.S3URL(t)))
	owner := e.MustSignup(t, "owner@example.com")
	e.MustCreateHandle(t, owner, "acme")
	rec := e.do(request{method: "POST", path: "/v2/handles/acme/site-deployments", token: owner.Token,
		body: `{"files":[{"path":"index.html","contentType":"text/html","sizeBytes":6},{"path":"a.css","contentType":"text/css","sizeBytes":2}]}`})
	mustStatus(t, rec, http.StatusCreated)
	d := decode[deploymentCreatedBody](t, rec)
	activate := func() *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/handles/acme/site-deployments/" + d.DeploymentID + "/activate", token: owner.Token})
	}
	if code, body := s3Do(t, "PUT", d.PutURLs[0].URL, "text/html", "<p>s3!"); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	mustError(t, activate(), 400, "upload_incomplete")
	if code, body := s3Do(t, "PUT", d.PutURLs[1].URL, "text/css", "p{"); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	mustStatus(t, activate(), http.StatusOK)
	if rec := get(e, "/s/acme/", nil); rec.Code != http.StatusOK || rec.Body.String() != "<p>s3!" {
		t.Fatalf("live: %d %q", rec.Code, rec.Body.String())
	}
}
