package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServePrintsPageURLs: start-up tells the operator where the API docs
// and the dashboard are, and both answer there.
func TestServePrintsPageURLs(t *testing.T) {
	// Not parallel: it boots a server; see TestServeSQLite.
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	for _, want := range []string{"API docs:  " + srv.URL + "/docs/\n", "dashboard: " + srv.URL + "/app/\n"} {
		if !strings.Contains(srv.Printed, want) {
			t.Fatalf("serve printed %q, want a line %q", srv.Printed, want)
		}
	}
	for _, page := range []string{srv.URL + "/docs/", srv.URL + "/app/"} {
		resp, err := client.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, want 200 text/html", page, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
