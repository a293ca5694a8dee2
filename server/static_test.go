package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestPages(t *testing.T) {
	e := MustOpenServer(t)
	tests := []struct {
		path, contains string
		status         int
	}{
		{"/docs", "", http.StatusMovedPermanently},
		{"/docs/", "swagger-ui", http.StatusOK},
		{"/docs/swagger-ui-bundle.js", "SwaggerUI", http.StatusOK},
		{"/app", "", http.StatusMovedPermanently},
		{"/app/", "<html", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := e.do(request{method: "GET", path: tt.path})
			mustStatus(t, rec, tt.status)
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Fatalf("%s does not contain %q", tt.path, tt.contains)
			}
			if strings.Contains(rec.Body.String(), "://cdn") || strings.Contains(rec.Body.String(), "unpkg.com") {
				t.Fatalf("%s loads from a CDN", tt.path)
			}
		})
	}
	if csp := e.do(request{method: "GET", path: "/app/"}).Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("dashboard CSP %q", csp)
	}
}
