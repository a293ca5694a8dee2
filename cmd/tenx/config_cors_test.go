package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadConfigCORSOrigins: TENX_CORS_ORIGINS takes exact origins only,
// as a browser sends them.
func TestLoadConfigCORSOrigins(t *testing.T) {
	t.Parallel()
	good := []struct {
		value string
		want  []string
	}{
		{"", nil},
		{"https://app.example.com", []string{"https://app.example.com"}},
		{" https://app.example.com , http://localhost:3000,", []string{"https://app.example.com", "http://localhost:3000"}},
		{"HTTPS://App.Example.com:443,http://[::1]:8081,http://a.test:80", []string{"https://app.example.com", "http://[::1]:8081", "http://a.test"}},
	}
	for _, tt := range good {
		c, err := loadConfig(mapEnv(map[string]string{"TENX_CORS_ORIGINS": tt.value}))
		if err != nil {
			t.Errorf("TENX_CORS_ORIGINS=%q: %v", tt.value, err)
			continue
		}
		if diff := cmp.Diff(tt.want, c.CORSOrigins); diff != "" {
			t.Errorf("TENX_CORS_ORIGINS=%q (-want +got):\n%s", tt.value, diff)
		}
	}
	for _, bad := range []string{"*", "https://*.example.com", "https://app.example.com/", "https://app.example.com/app",
		"app.example.com", "ftp://app.example.com", "https://app.example.com?x=1", "https://u:p@app.example.com",
		"https://app.example.com#x", "https://app.example.com:port", "null", "https://", "https://ok.example,*"} {
		_, err := loadConfig(mapEnv(map[string]string{"TENX_CORS_ORIGINS": bad}))
		if err == nil || !strings.Contains(err.Error(), "TENX_CORS_ORIGINS") {
			t.Errorf("TENX_CORS_ORIGINS=%q: error %v, want one naming TENX_CORS_ORIGINS", bad, err)
		}
	}
}
