package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

type deploymentCreatedBody struct {
	DeploymentID, Status string
	PutURLs              []struct{ Path, URL string } `json:"putUrls"`
}

type deploymentBody struct {
	DeploymentID, Status, CommitMessage string
	FileCount                           int
	TotalBytes                          int64
	Files                               []struct {
		Path     string
		Uploaded bool
	}
}

// TestDeploymentsAPI is the site deployments family's API table, on both
// planes and both databases: exactly 201 for both forms, activation and
// its errors, list, get and preview.
func TestDeploymentsAPI(t *testing.T) {
	var inline, manifest, noIndex deploymentCreatedBody
	html := `{"inlineHtml":"<h1>Hello</h1>","commitMessage":"first"}`
	rows := []apiCase{
		{name: "inline is 201 ACTIVE", method: "POST", path: "/site-deployments", body: html, status: http.StatusCreated,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				inline = decode[deploymentCreatedBody](t, rec)
				if !strings.HasPrefix(inline.DeploymentID, "dep_") || inline.Status != "ACTIVE" || inline.PutURLs != nil {
					t.Fatalf("inline %+v", inline)
				}
			}},
		{name: "the same again is 201", method: "POST", path: "/site-deployments", body: html, status: http.StatusCreated},
		{name: "manifest is 201 PENDING_UPLOAD", method: "POST", path: "/site-deployments", status: http.StatusCreated,
			body: `{"files":[{"path":"index.html","contentType":"text/html","sizeBytes":5},{"path":"css/a.css","contentType":"text/css","sizeBytes":3}]}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				manifest = decode[deploymentCreatedBody](t, rec)
				if manifest.Status != "PENDING_UPLOAD" || len(manifest.PutURLs) != 2 || manifest.PutURLs[1].Path != "css/a.css" {
					t.Fatalf("manifest %+v", manifest)
				}
			}},
		{name: "activate before upload", method: "POST", path: "/site-deployments/{manifest}/activate", status: 400,
			code: "upload_incomplete"},
		{name: "manifest without index.html", method: "POST", path: "/site-deployments", status: http.StatusCreated,
			body:  `{"files":[{"path":"about.html","contentType":"text/html","sizeBytes":1}]}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) { noIndex = decode[deploymentCreatedBody](t, rec) }},
		{name: "activate without entrypoint", method: "POST", path: "/site-deployments/{noIndex}/activate", status: 400,
			code: "missing_entrypoint"},
		{name: "list", method: "GET", path: "/site-deployments", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				got := map[string]deploymentBody{}
				for _, d := range decode[struct{ Deployments []deploymentBody }](t, rec).Deployments {
					got[d.DeploymentID] = d
				}
				active := 0
				for _, d := range got {
					if d.Status == "ACTIVE" {
						active++
					}
				}
				if len(got) != 4 || active != 1 || got[inline.DeploymentID].Status != "INACTIVE" ||
					got[manifest.DeploymentID].FileCount != 2 || got[manifest.DeploymentID].TotalBytes != 8 {
					t.Fatalf("listed %+v", got)
				}
				page := decode[struct {
					Deployments []deploymentBody
					NextToken   string
				}](t, call("GET", "/site-deployments?limit=3", ""))
				rest := decode[struct{ Deployments []deploymentBody }](t, call("GET", "/site-deployments?limit=3&nextToken="+page.NextToken, ""))
				if len(page.Deployments) != 3 || len(rest.Deployments) != 1 {
					t.Fatalf("paged %d then %d", len(page.Deployments), len(rest.Deployments))
				}
			}},
		{name: "get with files", method: "GET", path: "/site-deployments/{manifest}", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if got := decode[deploymentBody](t, rec); len(got.Files) != 2 || got.Files[0].Uploaded || got.Status != "PENDING_UPLOAD" {
					t.Fatalf("got %+v", got)
				}
			}},
		{name: "rollback to the first", method: "POST", path: "/site-deployments/{inline}/activate", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if got := decode[deploymentBody](t, rec); got.Status != "ACTIVE" || got.CommitMessage != "first" {
					t.Fatalf("got %+v", got)
				}
			}},
		{name: "preview", method: "GET", path: "/site-deployments/{manifest}/preview", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				got := decode[struct {
					PreviewURL string
					ExpiresAt  time.Time
				}](t, rec)
				if !strings.HasPrefix(got.PreviewURL, "http://localhost:8080/s/_preview/p.") || got.ExpiresAt.IsZero() {
					t.Fatalf("preview %+v", got)
				}
			}},
		{name: "get unknown", method: "GET", path: "/site-deployments/dep_unknown", status: 404, code: "not_found"},
		{name: "activate unknown", method: "POST", path: "/site-deployments/dep_unknown/activate", status: 404, code: "not_found"},
		{name: "preview unknown", method: "GET", path: "/site-deployments/dep_unknown/preview", status: 404, code: "not_found"},
	}
	for _, b := range []struct{ name, body, field string }{
		{"neither form", `{"commitMessage":"x"}`, "inlineHtml"},
		{"both forms", `{"inlineHtml":"x","files":[{"path":"index.html","contentType":"text/html","sizeBytes":1}]}`, "files"},
		{"empty html", `{"inlineHtml":""}`, "inlineHtml"},
		{"no files", `{"files":[]}`, "files"},
		{"traversal path", `{"files":[{"path":"../etc/passwd","contentType":"text/plain","sizeBytes":1}]}`, "files.path"},
		{"absolute path", `{"files":[{"path":"/index.html","contentType":"text/html","sizeBytes":1}]}`, "files.path"},
		{"dot segment", `{"files":[{"path":"a/./b.html","contentType":"text/html","sizeBytes":1}]}`, "files.path"},
		{"duplicate path", `{"files":[{"path":"a.html","contentType":"text/html","sizeBytes":1},{"path":"a.html","contentType":"text/html","sizeBytes":1}]}`, "files.path"},
		{"bad content type", `{"files":[{"path":"a.html","contentType":"html","sizeBytes":1}]}`, "files.contentType"},
		{"unknown field", `{"inlineHtml":"x","branch":"main"}`, "branch"},
	} {
		rows = append(rows, apiCase{name: b.name, method: "POST", path: "/site-deployments", body: b.body, status: 400,
			code: "validation_error", field: b.field})
	}
	rows = append(rows, deploymentAccessRows()...)
	for i := range rows {
		p := rows[i].path
		rows[i].pathFunc = func() string {
			return strings.NewReplacer("{inline}", inline.DeploymentID, "{manifest}", manifest.DeploymentID,
				"{noIndex}", noIndex.DeploymentID).Replace(p)
		}
	}
	apiTable(t, []string{"site.deployments.write"}, rows)
}

// deploymentAccessRows check who may do what: scopes on the PAT plane,
// roles on the JWT plane.
func deploymentAccessRows() []apiCase {
	html := `{"inlineHtml":"<p>x</p>"}`
	read := []string{"site.deployments.read"}
	return []apiCase{
		{name: "read scope cannot deploy", method: "POST", path: "/site-deployments", body: html, planes: patPlane,
			scopes: read, status: 403, code: "insufficient_scope"},
		{name: "read scope lists", method: "GET", path: "/site-deployments", planes: patPlane, scopes: read, status: http.StatusOK},
		{name: "read scope previews", method: "GET", path: "/site-deployments/{inline}/preview", planes: patPlane, scopes: read,
			status: http.StatusOK},
		{name: "read scope cannot activate", method: "POST", path: "/site-deployments/{inline}/activate", planes: patPlane,
			scopes: read, status: 403, code: "insufficient_scope"},
		{name: "site.* deploys", method: "POST", path: "/site-deployments", body: html, planes: patPlane,
			scopes: []string{"site.*"}, bearer: true, status: http.StatusCreated},
		{name: "files scope cannot list", method: "GET", path: "/site-deployments", planes: patPlane,
			scopes: []string{"files.*"}, status: 403, code: "insufficient_scope"},
		{name: "CREATOR deploys", method: "POST", path: "/site-deployments", body: html, planes: jwtPlane, role: "CREATOR",
			status: http.StatusCreated},
		{name: "a stranger sees no handle", method: "GET", path: "/site-deployments", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}
