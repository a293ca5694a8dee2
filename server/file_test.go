package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type fileCreatedBody struct {
	FileID, Status, UploadURL, UploadMethod, PublicURL string
	UploadHeaders                                      map[string]string
	UploadExpiresAt                                    time.Time
}

type fileBody struct {
	FileID, FileName, ContentType, Status, PublicURL string
	SizeBytes                                        int64
}

// uploadPath is the path of a local upload URL.
func uploadPath(t *testing.T, u string) string {
	t.Helper()
	p, ok := strings.CutPrefix(u, "http://localhost:8080")
	if !ok || !strings.HasPrefix(p, "/v2/uploads/") {
		t.Fatalf("upload url %q", u)
	}
	return p
}

// put sends body to a local upload URL with a content type.
func (e *env) put(t *testing.T, u, contentType, body string) *httpRecorder {
	t.Helper()
	return e.do(request{method: "PUT", path: uploadPath(t, u), body: body,
		header: http.Header{"Content-Type": {contentType}}})
}

// TestFilesAPI is the files family's API table, on both planes and both
// databases.
func TestFilesAPI(t *testing.T) {
	var created fileCreatedBody
	rows := []apiCase{
		{name: "create", method: "POST", path: "/files", status: http.StatusCreated,
			body: `{"fileName":"report.pdf","contentType":"application/pdf","sizeBytes":5,"accessMode":"PUBLIC"}`,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				created = decode[fileCreatedBody](t, rec)
				if !strings.HasPrefix(created.FileID, "fil_") || created.Status != "PENDING" || created.UploadMethod != "PUT" ||
					created.UploadHeaders["Content-Type"] != "application/pdf" ||
					created.PublicURL != "http://localhost:8080/v2/public/files/"+created.FileID {
					t.Fatalf("created %+v", created)
				}
				uploadPath(t, created.UploadURL)
				got := decode[fileBody](t, call("GET", "/files/"+created.FileID, ""))
				if got.Status != "PENDING" || got.FileName != "report.pdf" || got.SizeBytes != 5 {
					t.Fatalf("got %+v", got)
				}
			}},
		{name: "complete before upload", method: "POST", path: "/files/{id}/complete", status: 400, code: "upload_incomplete"},
	}
	for _, b := range []struct{ name, body, field string }{
		{"no name", `{"fileName":"","contentType":"text/plain","sizeBytes":1}`, "fileName"},
		{"slash in name", `{"fileName":"a/b","contentType":"text/plain","sizeBytes":1}`, "fileName"},
		{"bad content type", `{"fileName":"a","contentType":"not a type","sizeBytes":1}`, "contentType"},
		{"negative size", `{"fileName":"a","contentType":"text/plain","sizeBytes":-1}`, "sizeBytes"},
		{"private", `{"fileName":"a","contentType":"text/plain","sizeBytes":1,"accessMode":"PRIVATE"}`, "accessMode"},
		{"past expiry", `{"fileName":"a","contentType":"text/plain","sizeBytes":1,"expiresAt":"2020-01-01T00:00:00Z"}`, "expiresAt"},
		{"unknown field", `{"fileName":"a","contentType":"text/plain","sizeBytes":1,"owner":"me"}`, "owner"},
	} {
		rows = append(rows, apiCase{name: b.name, method: "POST", path: "/files", body: b.body, status: 400,
			code: "validation_error", field: b.field})
	}
	rows = append(rows,
		apiCase{name: "over the file limit", method: "POST", path: "/files", status: 413, code: "payload_too_large", field: "sizeBytes",
			body: `{"fileName":"big.bin","contentType":"application/octet-stream","sizeBytes":262144001}`},
		apiCase{name: "list", method: "GET", path: "/files", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if got := decode[struct{ Files []fileBody }](t, rec); len(got.Files) != 1 || got.Files[0].FileID != created.FileID {
					t.Fatalf("listed %+v", got)
				}
			}},
		apiCase{name: "get unknown", method: "GET", path: "/files/fil_unknown", status: 404, code: "not_found"},
		apiCase{name: "bad page token", method: "GET", path: "/files?nextToken=%21", status: 400, code: "validation_error", field: "nextToken"},
		apiCase{name: "delete", method: "DELETE", path: "/files/{id}", status: http.StatusNoContent},
		apiCase{name: "delete again", method: "DELETE", path: "/files/{id}", status: 404, code: "not_found"},
		apiCase{name: "get deleted", method: "GET", path: "/files/{id}", status: 404, code: "not_found"},
	)
	rows = append(rows, fileAccessRows()...)
	rows = withID(rows, func() string { return created.FileID })
	apiTable(t, []string{"files.write"}, rows)
}

// fileAccessRows check who may do what: scopes on the PAT plane, roles on
// the JWT plane.
func fileAccessRows() []apiCase {
	body := `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":1}`
	read, write := []string{"files.read"}, []string{"files.write"}
	return []apiCase{
		{name: "files.read cannot write", method: "POST", path: "/files", body: body, planes: patPlane, scopes: read,
			status: 403, code: "insufficient_scope"},
		{name: "files.read reads", method: "GET", path: "/files", planes: patPlane, scopes: read, status: http.StatusOK},
		{name: "files.write writes", method: "POST", path: "/files", body: body, planes: patPlane, scopes: write,
			bearer: true, status: http.StatusCreated},
		{name: "files.* writes", method: "POST", path: "/files", body: body, planes: patPlane, scopes: []string{"files.*"},
			status: http.StatusCreated},
		{name: "links scope cannot read", method: "GET", path: "/files", planes: patPlane, scopes: []string{"links.*"},
			status: 403, code: "insufficient_scope"},
		{name: "CREATOR writes", method: "POST", path: "/files", body: body, planes: jwtPlane, role: "CREATOR",
			status: http.StatusCreated},
		{name: "a stranger sees no handle", method: "GET", path: "/files", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}

// MustUploadFile creates a file of handle with content, uploads it through
// its signed URL, and returns its id and the token of its download URL.
func (e *env) MustUploadFile(tb testing.TB, by user, handle, content string) (string, string) {
	tb.Helper()
	t := tb.(*testing.T)
	rec := e.do(request{method: "POST", path: "/v2/handles/" + handle + "/files", token: by.Token,
		body: `{"fileName":"hello.txt","contentType":"text/plain","sizeBytes":` + itoa(len(content)) + `}`})
	mustStatus(tb, rec, http.StatusCreated)
	created := decode[fileCreatedBody](tb, rec)
	mustStatus(tb, e.put(t, created.UploadURL, "text/plain", content), http.StatusNoContent)
	rec = e.do(request{method: "GET", path: "/v2/public/files/" + created.FileID})
	mustStatus(tb, rec, http.StatusFound)
	loc, ok := strings.CutPrefix(rec.Header().Get("Location"), "http://localhost:8080/v2/downloads/")
	if !ok {
		tb.Fatalf("download location %q", rec.Header().Get("Location"))
	}
	return created.FileID, loc
}

// MustDeployInline deploys html as handle's site and returns the
// deployment's id.
func (e *env) MustDeployInline(tb testing.TB, by user, handle, html string) string {
	tb.Helper()
	rec := e.do(request{method: "POST", path: "/v2/handles/" + handle + "/site-deployments", token: by.Token,
		body: `{"inlineHtml":` + strconv.Quote(html) + `}`})
	mustStatus(tb, rec, http.StatusCreated)
	return decode[struct{ DeploymentID string }](tb, rec).DeploymentID
}

func itoa(n int) string { return strconv.Itoa(n) }
