package server_test

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
)

type webhookBody struct {
	SubscriptionID, Handle, EndpointURL, Description, DisabledReason string
	EventTypes                                                       []string
	Enabled                                                          bool
	Secret                                                           string
}

type deliveryBody struct {
	DeliveryID, SubscriptionID, EventID, EventType, Status string
	Attempts                                               []struct{ Attempt int }
}

// TestWebhooksAPI is the webhooks family's API table, on both planes and
// both databases. Deliveries are not attempted here (no workers run):
// the table sees them queued, PENDING; package webhook and
// cmd/tenx deliver them to real receivers.
func TestWebhooksAPI(t *testing.T) {
	var created webhookBody
	var eventID string
	rows := []apiCase{
		{name: "create", method: "POST", path: "/webhooks", status: http.StatusCreated,
			body: `{"endpointUrl":"https://hooks.example.com/tenx","eventTypes":["*"],"description":"ci"}`,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				created = decode[webhookBody](t, rec)
				key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(created.Secret, "whsec_"))
				if !strings.HasPrefix(created.SubscriptionID, "whk_") || !strings.HasPrefix(created.Secret, "whsec_") ||
					err != nil || len(key) != 32 || !created.Enabled || created.Handle != "acme" || created.Description != "ci" {
					t.Fatalf("created %+v", created)
				}
				rec = call("GET", "/webhooks/"+created.SubscriptionID, "")
				if strings.Contains(rec.Body.String(), "whsec_") || strings.Contains(rec.Body.String(), `"secret"`) {
					t.Fatalf("the secret is shown again: %s", rec.Body.String())
				}
			}},
	}
	for _, b := range []struct{ name, body, field string }{
		{"http endpoint", `{"endpointUrl":"http://hooks.example.com/","eventTypes":["*"]}`, "endpointUrl"},
		{"ftp endpoint", `{"endpointUrl":"ftp://hooks.example.com/","eventTypes":["*"]}`, "endpointUrl"},
		{"relative endpoint", `{"endpointUrl":"/hooks","eventTypes":["*"]}`, "endpointUrl"},
		{"credentials in endpoint", `{"endpointUrl":"https://u:p@hooks.example.com/","eventTypes":["*"]}`, "endpointUrl"},
		{"unknown event type", `{"endpointUrl":"https://hooks.example.com/","eventTypes":["link.exploded"]}`, "eventTypes.0"},
		{"no event types", `{"endpointUrl":"https://hooks.example.com/","eventTypes":[]}`, "eventTypes"},
		{"no endpoint", `{"eventTypes":["*"]}`, "endpointUrl"},
		{"unknown field", `{"endpointUrl":"https://hooks.example.com/","eventTypes":["*"],"secret":"x"}`, "secret"},
	} {
		rows = append(rows, apiCase{name: b.name, method: "POST", path: "/webhooks", body: b.body, status: 400,
			code: "validation_error", field: b.field})
	}
	rows = append(rows,
		apiCase{name: "list", method: "GET", path: "/webhooks", status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				got := decode[struct{ Webhooks []webhookBody }](t, rec)
				if len(got.Webhooks) != 1 || got.Webhooks[0].SubscriptionID != created.SubscriptionID || got.Webhooks[0].Secret != "" {
					t.Fatalf("listed %+v", got)
				}
			}},
		apiCase{name: "get unknown", method: "GET", path: "/webhooks/whk_unknown", status: 404, code: "not_found"},
		apiCase{name: "bad page token", method: "GET", path: "/webhooks?nextToken=%21", status: 400, code: "validation_error", field: "nextToken"},
		apiCase{name: "only link.created", method: "PATCH", path: "/webhooks/{id}", body: `{"eventTypes":["link.created"]}`,
			status: http.StatusOK, check: func(t *testing.T, rec *httpRecorder, call caller) {
				if got := decode[webhookBody](t, rec); strings.Join(got.EventTypes, ",") != "link.created" {
					t.Fatalf("patched %+v", got)
				}
			}},
		apiCase{name: "patch to http", method: "PATCH", path: "/webhooks/{id}", body: `{"endpointUrl":"http://x.example/"}`,
			status: 400, code: "validation_error", field: "endpointUrl"},
		apiCase{name: "patch unknown type", method: "PATCH", path: "/webhooks/{id}", body: `{"eventTypes":["nope"]}`,
			status: 400, code: "validation_error", field: "eventTypes.0"},
		apiCase{name: "patch unknown", method: "PATCH", path: "/webhooks/whk_unknown", body: `{"enabled":false}`,
			status: 404, code: "not_found"},
		apiCase{name: "a new link queues link.created", method: "PUT", path: "/links/hooked", status: http.StatusCreated,
			planes: jwtPlane, body: `{"destinationUrl":"https://example.com"}`,
			check: func(t *testing.T, _ *httpRecorder, call caller) {
				call("PUT", "/links/hooked", `{"destinationUrl":"https://example.com/2"}`) // link.updated: not wanted
				got := decode[struct{ Deliveries []deliveryBody }](t, call("GET", "/webhooks/"+created.SubscriptionID+"/deliveries", ""))
				if len(got.Deliveries) != 1 || got.Deliveries[0].EventType != "link.created" || got.Deliveries[0].Status != "PENDING" ||
					!strings.HasPrefix(got.Deliveries[0].EventID, "evt_") || len(got.Deliveries[0].Attempts) != 0 {
					t.Fatalf("deliveries %+v", got)
				}
			}},
		apiCase{name: "disable", method: "PATCH", path: "/webhooks/{id}", body: `{"enabled":false}`, status: http.StatusOK,
			check: func(t *testing.T, rec *httpRecorder, _ caller) {
				if got := decode[webhookBody](t, rec); got.Enabled {
					t.Fatalf("patched %+v", got)
				}
			}},
		apiCase{name: "test a disabled subscription", method: "POST", path: "/webhooks/{id}/test", status: 409, code: "conflict"},
		apiCase{name: "enable", method: "PATCH", path: "/webhooks/{id}", body: `{"enabled":true}`, status: http.StatusOK},
		apiCase{name: "test", method: "POST", path: "/webhooks/{id}/test", status: http.StatusAccepted,
			check: func(t *testing.T, rec *httpRecorder, call caller) {
				eventID = decode[struct{ EventID string }](t, rec).EventID
				got := decode[struct{ Deliveries []deliveryBody }](t, call("GET", "/webhooks/"+created.SubscriptionID+"/deliveries", ""))
				// The test clock stands still, so deliveries share their
				// time and the list's order between them is the ids': find
				// the test event's by its id.
				i := slices.IndexFunc(got.Deliveries, func(d deliveryBody) bool { return d.EventID == eventID })
				if !strings.HasPrefix(eventID, "evt_") || i < 0 ||
					got.Deliveries[i].EventType != "webhook.test" {
					t.Fatalf("event %q, deliveries %+v", eventID, got)
				}
				d := got.Deliveries[i]
				mustError(t, call("POST", "/webhooks/"+created.SubscriptionID+"/deliveries/"+d.DeliveryID+"/redeliver", ""),
					409, "conflict") // still pending
			}},
		apiCase{name: "test unknown", method: "POST", path: "/webhooks/whk_unknown/test", status: 404, code: "not_found"},
		apiCase{name: "deliveries of unknown", method: "GET", path: "/webhooks/whk_unknown/deliveries", status: 404, code: "not_found"},
		apiCase{name: "redeliver unknown", method: "POST", path: "/webhooks/{id}/deliveries/dlv_unknown/redeliver", status: 404, code: "not_found"},
		apiCase{name: "delete", method: "DELETE", path: "/webhooks/{id}", status: http.StatusNoContent},
		apiCase{name: "delete again", method: "DELETE", path: "/webhooks/{id}", status: 404, code: "not_found"},
		apiCase{name: "deliveries of deleted", method: "GET", path: "/webhooks/{id}/deliveries", status: 404, code: "not_found"},
	)
	rows = append(rows, webhookAccessRows()...)
	rows = withID(rows, func() string { return created.SubscriptionID })
	apiTable(t, []string{"webhooks.write", "links.write"}, rows)
}

// webhookAccessRows check who may do what: scopes on the PAT plane, roles
// on the JWT plane (OPERATOR+).
func webhookAccessRows() []apiCase {
	body := `{"endpointUrl":"https://hooks.example.com/","eventTypes":["link.created"]}`
	read, write := []string{"webhooks.read"}, []string{"webhooks.write"}
	return []apiCase{
		{name: "webhooks.read cannot create", method: "POST", path: "/webhooks", body: body, planes: patPlane, scopes: read,
			status: 403, code: "insufficient_scope"},
		{name: "webhooks.read cannot test", method: "POST", path: "/webhooks/whk_x/test", planes: patPlane, scopes: read,
			status: 403, code: "insufficient_scope"},
		{name: "webhooks.read reads", method: "GET", path: "/webhooks", planes: patPlane, scopes: read, status: http.StatusOK},
		{name: "webhooks.write creates", method: "POST", path: "/webhooks", body: body, planes: patPlane, scopes: write,
			bearer: true, status: http.StatusCreated},
		{name: "webhooks.* creates", method: "POST", path: "/webhooks", body: body, planes: patPlane, scopes: []string{"webhooks.*"},
			status: http.StatusCreated},
		{name: "links scope cannot read", method: "GET", path: "/webhooks", planes: patPlane, scopes: []string{"links.*"},
			status: 403, code: "insufficient_scope"},
		{name: "CREATOR cannot read", method: "GET", path: "/webhooks", planes: jwtPlane, role: "CREATOR",
			status: 403, code: "insufficient_role"},
		{name: "OPERATOR creates", method: "POST", path: "/webhooks", body: body, planes: jwtPlane, role: "OPERATOR",
			status: http.StatusCreated},
		{name: "a stranger sees no handle", method: "GET", path: "/webhooks", planes: jwtPlane, role: noRole,
			status: 404, code: "not_found"},
	}
}

// MustTestWebhook subscribes an endpoint to handle's events, sends it a
// test event (queued: no worker runs here), and returns the ids of the
// subscription and of the delivery.
func (e *env) MustTestWebhook(tb testing.TB, by user, handle string) (string, string) {
	tb.Helper()
	rec := e.do(request{method: "POST", path: "/v2/handles/" + handle + "/webhooks", token: by.Token,
		body: `{"endpointUrl":"https://hooks.example.com/","eventTypes":["*"]}`})
	mustStatus(tb, rec, http.StatusCreated)
	w := decode[webhookBody](tb, rec)
	mustStatus(tb, e.do(request{method: "POST", path: "/v2/handles/" + handle + "/webhooks/" + w.SubscriptionID + "/test",
		token: by.Token}), http.StatusAccepted)
	rec = e.do(request{method: "GET", path: "/v2/handles/" + handle + "/webhooks/" + w.SubscriptionID + "/deliveries",
		token: by.Token})
	mustStatus(tb, rec, http.StatusOK)
	ds := decode[struct{ Deliveries []deliveryBody }](tb, rec).Deliveries
	if len(ds) != 1 {
		tb.Fatalf("deliveries %+v", ds)
	}
	return w.SubscriptionID, ds[0].DeliveryID
}
