package server_test

import (
	"net/http"
	"strings"
	"testing"
)

type profileBody struct {
	Handle, DisplayName, Bio, AvatarURL, Theme, SiteMode, SiteURL string
	UpdatedAt                                                     *string
}

// TestProfileAPI is the profile and site-mode API table, on both planes
// and both databases; it includes the public client's calls as written:
// PUT profile, and PUT site-mode with "profile", "site" and "LINKTREE".
func TestProfileAPI(t *testing.T) {
	rows := []apiCase{
		{name: "the default profile", method: "GET", path: "/profile", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				p := decode[profileBody](t, rec)
				if p.Handle != "acme" || p.Theme != "AUTO" || p.SiteMode != "PROFILE" || p.UpdatedAt != nil ||
					p.SiteURL != "http://localhost:8080/s/acme/" {
					t.Fatalf("default %+v", p)
				}
			}},
		{name: "set", method: "PUT", path: "/profile", status: http.StatusOK,
			body: `{"displayName":"Acme","bio":"We make things.\nMany things.","avatarUrl":"https://example.com/a.png","theme":"dark"}`,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				p := decode[profileBody](t, call("GET", "/profile", ""))
				if p.DisplayName != "Acme" || p.Bio != "We make things.\nMany things." || p.Theme != "dark" ||
					p.AvatarURL != "https://example.com/a.png" || p.UpdatedAt == nil || p.SiteMode != "PROFILE" {
					t.Fatalf("stored %+v", p)
				}
			}},
		siteModeRow("site mode site", "site", "SITE"),
		{name: "a profile keeps the site mode", method: "PUT", path: "/profile", body: `{"displayName":"Acme"}`, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if p := decode[profileBody](t, rec); p.SiteMode != "SITE" || p.Bio != "" || p.Theme != "AUTO" {
					t.Fatalf("replaced %+v", p)
				}
			}},
		siteModeRow("site mode profile", "profile", "PROFILE"),
		siteModeRow("site mode LINKTREE", "LINKTREE", "PROFILE"),
		siteModeRow("site mode Site", " Site ", "SITE"),
		{name: "bad mode", method: "PUT", path: "/site-mode", body: `{"mode":"blog"}`, status: 400, code: "validation_error", field: "mode",
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				msg := decode[errorBody](t, rec).Message
				for _, m := range []string{"PROFILE", "SITE", "LINKTREE"} {
					if !strings.Contains(msg, m) {
						t.Errorf("message %q does not list %s", msg, m)
					}
				}
			}},
		{name: "no mode", method: "PUT", path: "/site-mode", body: `{}`, status: 400, code: "validation_error", field: "mode"},
		{name: "bad avatar", method: "PUT", path: "/profile", body: `{"avatarUrl":"javascript:alert(1)"}`, status: 400,
			code: "validation_error", field: "avatarUrl"},
		{name: "bad theme", method: "PUT", path: "/profile", body: `{"theme":"no spaces"}`, status: 400, code: "validation_error", field: "theme"},
		{name: "long bio", method: "PUT", path: "/profile", body: `{"bio":"` + strings.Repeat("b", 1001) + `"}`, status: 400,
			code: "validation_error", field: "bio"},
		{name: "unknown field", method: "PUT", path: "/profile", body: `{"links":[]}`, status: 400, code: "validation_error", field: "links"},
		{name: "pages.read reads", method: "GET", path: "/profile", planes: patPlane, scopes: []string{"pages.read"}, status: http.StatusOK},
		{name: "pages.read cannot write", method: "PUT", path: "/profile", body: `{}`, planes: patPlane, scopes: []string{"pages.read"},
			status: 403, code: "insufficient_scope"},
		{name: "pages.read cannot switch", method: "PUT", path: "/site-mode", body: `{"mode":"SITE"}`, planes: patPlane,
			scopes: []string{"pages.read"}, status: 403, code: "insufficient_scope"},
		{name: "links.write cannot read", method: "GET", path: "/profile", planes: patPlane, scopes: []string{"links.write"},
			status: 403, code: "insufficient_scope"},
		{name: "CREATOR writes", method: "PUT", path: "/profile", body: `{"bio":"by a creator"}`, planes: jwtPlane, role: "CREATOR",
			status: http.StatusOK},
		{name: "CREATOR switches", method: "PUT", path: "/site-mode", body: `{"mode":"PROFILE"}`, planes: jwtPlane, role: "CREATOR",
			status: http.StatusOK},
		{name: "a stranger sees no handle", method: "PUT", path: "/site-mode", body: `{"mode":"SITE"}`, planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
		{name: "pages with a limit", method: "GET", path: "/pages?limit=5", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if !strings.Contains(rec.Body.String(), `"pages":[]`) {
					t.Fatalf("pages %s", rec.Body.String())
				}
			}},
	}
	apiTable(t, []string{"pages.write"}, rows)
}

func siteModeRow(name, mode, want string) apiCase {
	return apiCase{name: name, method: "PUT", path: "/site-mode", body: `{"mode":"` + mode + `"}`, status: http.StatusOK,
		check: func(t *testing.T, rec *httpRecorder, call caller) {
			got := decode[struct{ Mode, SiteURL string }](t, rec)
			if got.Mode != want || got.SiteURL != "http://localhost:8080/s/acme/" {
				t.Fatalf("mode %+v, want %s", got, want)
			}
			if p := decode[profileBody](t, call("GET", "/profile", "")); p.SiteMode != want {
				t.Fatalf("profile says %s, want %s", p.SiteMode, want)
			}
		}}
}
