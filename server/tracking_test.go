package server_test

import (
	"net/http"
	"testing"
)

type templateBody struct {
	TemplateID, TemplateKey, Name string
	Config                        map[string]string
}

// TestTrackingTemplateAPI is the tracking templates table, both planes and
// both databases, with the config checks of each templateKey and the
// templates a link lists.
func TestTrackingTemplateAPI(t *testing.T) {
	var id string
	idPath := func(suffix string) func() string {
		return func() string { return "/tracking-templates/" + id + suffix }
	}
	rows := []apiCase{
		{name: "none yet", method: "GET", path: "/tracking-templates", status: http.StatusOK, check: bodyContains(`"trackingTemplates":[]`)},
		{name: "create ga4", method: "POST", path: "/tracking-templates", status: http.StatusCreated,
			body: `{"templateKey":"ga4_event","name":"Launch GA4","config":{"measurementId":"G-ABC123","eventName":"launch_click"}}`,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				b := decode[templateBody](t, rec)
				if b.TemplateKey != "ga4_event" || b.Config["measurementId"] != "G-ABC123" || b.TemplateID == "" {
					t.Fatalf("created %+v", b)
				}
				id = b.TemplateID
			}},
		{name: "get", method: "GET", pathFunc: idPath(""), status: http.StatusOK},
		{name: "replace with a webhook", method: "PUT", pathFunc: idPath(""), status: http.StatusOK,
			body: `{"templateKey":"custom_webhook","name":"Hook","config":{"url":"https://hooks.example.com/c"}}`,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				if b := decode[templateBody](t, call("GET", "/tracking-templates/"+id, "")); b.Name != "Hook" || b.Config["url"] == "" || len(b.Config) != 1 {
					t.Fatalf("stored %+v", b)
				}
			}},
		{name: "meta pixel", method: "POST", path: "/tracking-templates", status: http.StatusCreated,
			body: `{"templateKey":"meta_pixel","name":"Pixel","config":{"pixelId":"1234567890","eventName":"Lead"}}`},
		{name: "gtm", method: "POST", path: "/tracking-templates", status: http.StatusCreated,
			body: `{"templateKey":"gtm_event","name":"GTM","config":{"containerId":"GTM-AB12CD","eventName":"go"}}`},
		{name: "ga4 without measurement id", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "config.measurementId", body: `{"templateKey":"ga4_event","name":"x","config":{"eventName":"a"}}`},
		{name: "ga4 without event name", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "config.eventName", body: `{"templateKey":"ga4_event","name":"x","config":{"measurementId":"G-ABC123"}}`},
		{name: "http webhook", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "config.url", body: `{"templateKey":"custom_webhook","name":"x","config":{"url":"http://hooks.example.com/"}}`},
		{name: "unknown config key", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "config.extra", body: `{"templateKey":"custom_webhook","name":"x","config":{"url":"https://h.example.com/","extra":"1"}}`},
		{name: "bad pixel id", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "config.pixelId", body: `{"templateKey":"meta_pixel","name":"x","config":{"pixelId":"abc","eventName":"Lead"}}`},
		{name: "unknown key", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "templateKey", body: `{"templateKey":"tiktok","name":"x","config":{}}`},
		{name: "blank name", method: "POST", path: "/tracking-templates", status: 400, code: "validation_error",
			field: "name", body: `{"templateKey":"custom_webhook","name":"  ","config":{"url":"https://h.example.com/"}}`},
		{name: "unknown template", method: "GET", path: "/tracking-templates/tpl_nope", status: 404, code: "not_found"},
		{name: "replace unknown", method: "PUT", path: "/tracking-templates/tpl_nope", status: 404, code: "not_found",
			body: `{"templateKey":"custom_webhook","name":"Hook","config":{"url":"https://hooks.example.com/c"}}`},
		{name: "a link uses it", method: "GET", path: "/tracking-templates", status: http.StatusOK,
			check: func(t *testing.T, _ *httpRecorder, call caller) {
				rec := call("PUT", "/links/launch", `{"destinationUrl":"https://example.com/","trackingTemplateIds":["`+id+`","`+id+`"]}`)
				mustStatus(t, rec, http.StatusCreated)
				if l := decode[struct{ TrackingTemplateIDs []string }](t, rec); len(l.TrackingTemplateIDs) != 1 || l.TrackingTemplateIDs[0] != id {
					t.Fatalf("link lists %v", l.TrackingTemplateIDs)
				}
			}},
		{name: "a link naming an unknown template", method: "PUT", path: "/links/other", scopes: []string{"links.write"}, status: 400,
			code: "validation_error", field: "trackingTemplateIds",
			body: `{"destinationUrl":"https://example.com/","trackingTemplateIds":["tpl_nope"]}`},
		{name: "in use: no delete", method: "DELETE", pathFunc: idPath(""), status: 409, code: "conflict"},
		{name: "read scope cannot write", method: "POST", path: "/tracking-templates", planes: patPlane,
			scopes: []string{"tracking.templates.read"}, status: 403, code: "insufficient_scope",
			body: `{"templateKey":"custom_webhook","name":"x","config":{"url":"https://h.example.com/"}}`},
		{name: "read scope reads", method: "GET", path: "/tracking-templates", planes: patPlane,
			scopes: []string{"tracking.templates.read"}, status: http.StatusOK},
		{name: "links.read cannot read", method: "GET", path: "/tracking-templates", planes: patPlane,
			scopes: []string{"links.read"}, status: 403, code: "insufficient_scope"},
		{name: "CREATOR writes", method: "POST", path: "/tracking-templates", planes: jwtPlane, role: "CREATOR", status: http.StatusCreated,
			body: `{"templateKey":"custom_webhook","name":"x","config":{"url":"https://h.example.com/"}}`},
		{name: "take it off the link", method: "PUT", path: "/links/launch", scopes: []string{"links.write"}, status: http.StatusOK,
			body: `{"destinationUrl":"https://example.com/"}`},
		{name: "delete", method: "DELETE", pathFunc: idPath(""), status: http.StatusNoContent,
			check: func(t *testing.T, _ *httpRecorder, call caller) {
				mustError(t, call("GET", "/tracking-templates/"+id, ""), 404, "not_found")
				mustError(t, call("DELETE", "/tracking-templates/"+id, ""), 404, "not_found")
			}},
	}
	apiTable(t, []string{"tracking.templates.write", "links.write"}, rows)
}

// TestAuditEventsBothPlanes: the audit trail is read with a JWT
// (OPERATOR+) or a PAT with audit.read, and shows the writes of this issue.
func TestAuditEventsBothPlanes(t *testing.T) {
	rows := []apiCase{
		{name: "a template to audit", method: "POST", path: "/tracking-templates", scopes: []string{"tracking.templates.write"},
			status: http.StatusCreated, body: `{"templateKey":"custom_webhook","name":"x","config":{"url":"https://h.example.com/"}}`},
		{name: "read", method: "GET", path: "/audit-events?limit=100", status: http.StatusOK,
			check: bodyContains(`"action":"tracking_template.created"`)},
		{name: "usage.read cannot", method: "GET", path: "/audit-events", planes: patPlane, scopes: []string{"usage.read"},
			status: 403, code: "insufficient_scope"},
		{name: "CREATOR cannot", method: "GET", path: "/audit-events", planes: jwtPlane, role: "CREATOR",
			status: 403, code: "insufficient_role"},
		{name: "bad page token", method: "GET", path: "/audit-events?nextToken=zz", status: 400, code: "validation_error", field: "nextToken"},
	}
	apiTable(t, []string{"audit.read"}, rows)
}
