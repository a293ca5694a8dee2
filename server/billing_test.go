package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"tenx"
	"tenx/billing"
	"tenx/billing/stripetest"
	"tenx/server"
	"tenx/store/storetest"
)

const webhookSecret = "whsec_test_secret"

// withPayments gives the server Stripe payments on the test clock:
// checkout through apiURL (stripe-mock) when set, and the webhook secret.
func withPayments(apiURL string) option {
	return func(s *settings) {
		s.payments = func(c *clock) tenx.Payments {
			cfg := billing.Config{WebhookSecret: webhookSecret, APIURL: apiURL, Now: c.Now,
				Prices:     map[tenx.Plan]string{tenx.PlanPro: "price_pro", tenx.PlanEnterprise: "price_ent"},
				SuccessURL: "http://localhost/app/#account", CancelURL: "http://localhost/app/#account"}
			if apiURL != "" {
				cfg.SecretKey = "sk_test_123"
			}
			return billing.New(cfg)
		}
	}
}

// withPlans turns plans on, with the given daily write quotas.
func withPlans(writes map[tenx.Plan]int) option {
	return withConfig(func(c *server.Config) { c.PlansEnabled, c.WritesPerDay = true, writes })
}

type summaryBody struct {
	Plan              string
	PlansEnabled      bool
	CheckoutAvailable bool
	Features          []string
	Limits            struct{ WritesPerDay *int }
	Usage             struct {
		WritesToday int
		WritesDay   string
	}
}

// quotaBody is a quota's 429.
type quotaBody struct {
	errorBody
	Plan   string
	Limits struct{ WritesPerDay int }
	Usage  struct {
		WritesToday int
		WritesDay   string
	}
}

// sendEvent posts a Stripe event signed at `at` by stripe-go's helper.
func (e *env) sendEvent(payload string, at time.Time, secret string) *httpRecorder {
	e.t.Helper()
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: secret, Timestamp: at})
	return e.do(request{method: "POST", path: "/v2/public/stripe/webhook", body: payload,
		header: http.Header{"Stripe-Signature": {signed.Header}}})
}

func completedEvent(id, userID, plan string) string {
	return fmt.Sprintf(`{"id":%q,"object":"event","type":"checkout.session.completed","data":{"object":`+
		`{"id":"cs_1","object":"checkout.session","customer":"cus_%s","metadata":{"userId":%q,"plan":%q}}}}`,
		id, userID, userID, plan)
}

func (e *env) summary(u user) summaryBody {
	e.t.Helper()
	rec := e.do(request{method: "GET", path: "/v2/billing/summary", token: u.Token})
	mustStatus(e.t, rec, http.StatusOK)
	return decode[summaryBody](e.t, rec)
}

// TestBillingWithoutPayments: plans off and no Stripe key, as a fresh
// self-hosted tenx runs.
func TestBillingWithoutPayments(t *testing.T) {
	e := MustOpenServer(t)
	u := e.MustSignup(t, "owner@example.com")
	s := e.summary(u)
	if s.Plan != "FREE" || s.PlansEnabled || s.CheckoutAvailable || s.Limits.WritesPerDay != nil ||
		len(s.Features) == 0 || s.Usage.WritesDay != "2026-11-01" {
		t.Fatalf("summary %+v", s)
	}
	checkout := func(body string) *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/billing/checkout-session", token: u.Token, body: body})
	}
	b := mustError(t, checkout(`{"plan":"PRO"}`), http.StatusServiceUnavailable, "unavailable")
	if !strings.Contains(b.Message, "TENX_STRIPE_SECRET_KEY") {
		t.Errorf("message %q does not say what is missing", b.Message)
	}
	mustError(t, checkout(`{"plan":"FREE"}`), http.StatusBadRequest, "validation_error")
	mustError(t, checkout(`{"plan":"GOLD"}`), http.StatusBadRequest, "validation_error")
	mustError(t, checkout(`{}`), http.StatusBadRequest, "validation_error")
	mustError(t, e.sendEvent(completedEvent("evt_1", u.ID, "PRO"), e.clock.Now(), webhookSecret),
		http.StatusServiceUnavailable, "unavailable")
}

// TestCheckoutStripeMock opens a Checkout session through stripe-mock.
func TestCheckoutStripeMock(t *testing.T) {
	e := MustOpenServer(t, withPayments(stripetest.URL(t)))
	u := e.MustSignup(t, "owner@example.com")
	if !e.summary(u).CheckoutAvailable {
		t.Fatal("checkout not available with a Stripe key")
	}
	rec := e.do(request{method: "POST", path: "/v2/billing/checkout-session", token: u.Token, body: `{"plan":"PRO"}`})
	mustStatus(t, rec, http.StatusOK)
	if got := decode[struct{ URL, SessionID string }](t, rec); !strings.HasPrefix(got.URL, "https://") || got.SessionID == "" {
		t.Fatalf("checkout %+v", got)
	}
}

// TestStripeWebhook: a signed checkout.session.completed sets the plan,
// once; a redelivery changes nothing; every signature failure is 400; the
// subscription's end returns the customer to FREE.
func TestStripeWebhook(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url, withPayments(""))
		u := e.MustSignup(t, "owner@example.com")
		admin := e.MustCreateAdmin(t, "admin@example.com")
		now := e.clock.Now()
		ev := completedEvent("evt_1", u.ID, "PRO")

		for name, rec := range map[string]*httpRecorder{
			"wrong secret":     e.sendEvent(ev, now, "whsec_other"),
			"old timestamp":    e.sendEvent(ev, now.Add(-6*time.Minute), webhookSecret),
			"no signature":     e.do(request{method: "POST", path: "/v2/public/stripe/webhook", body: ev}),
			"body changed":     e.tamperedEvent(ev, now),
			"not JSON":         e.do(request{method: "POST", path: "/v2/public/stripe/webhook", body: `{"id":`}),
			"event without id": e.sendEvent(`{"type":"x"}`, now, webhookSecret),
		} {
			t.Run(name, func(t *testing.T) {
				if rec.Code != http.StatusBadRequest {
					t.Fatalf("got %d %s, want 400", rec.Code, rec.Body.String())
				}
			})
		}
		if b := decode[errorBody](t, e.sendEvent(ev, now.Add(-6*time.Minute), webhookSecret)); b.Field != "Stripe-Signature" {
			t.Errorf("replay: %+v", b)
		}
		if e.summary(u).Plan != "FREE" {
			t.Fatal("a refused event changed the plan")
		}

		rec := e.sendEvent(ev, now.Add(-time.Minute), webhookSecret)
		mustStatus(t, rec, http.StatusOK)
		if got := decode[struct{ Received, Duplicate bool }](t, rec); !got.Received || got.Duplicate {
			t.Fatalf("ack %+v", got)
		}
		if e.summary(u).Plan != "PRO" {
			t.Fatal("plan not set by the event")
		}
		// The admin moves the user back; the redelivered event must not undo it.
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/platform-admin/users/" + u.ID + "/plan", token: admin.Token,
			body: `{"plan":"FREE"}`}), http.StatusOK)
		rec = e.sendEvent(ev, now, webhookSecret)
		mustStatus(t, rec, http.StatusOK)
		if got := decode[struct{ Duplicate bool }](t, rec); !got.Duplicate || e.summary(u).Plan != "FREE" {
			t.Fatalf("redelivery: %+v, plan %s", got, e.summary(u).Plan)
		}

		mustStatus(t, e.sendEvent(completedEvent("evt_2", u.ID, "ENTERPRISE"), now, webhookSecret), http.StatusOK)
		if e.summary(u).Plan != "ENTERPRISE" {
			t.Fatal("second purchase not applied")
		}
		ended := `{"id":"evt_3","type":"customer.subscription.deleted","data":{"object":{"id":"sub_1","object":"subscription","customer":"cus_` + u.ID + `"}}}`
		mustStatus(t, e.sendEvent(ended, now, webhookSecret), http.StatusOK)
		if e.summary(u).Plan != "FREE" {
			t.Fatal("subscription end not applied")
		}
		for _, other := range []string{completedEvent("evt_4", "usr_gone", "PRO"),
			`{"id":"evt_5","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice"}}}`} {
			mustStatus(t, e.sendEvent(other, now, webhookSecret), http.StatusOK) // acknowledged, ignored
		}
	})
}

// tamperedEvent signs ev and sends another body under that signature.
func (e *env) tamperedEvent(ev string, at time.Time) *httpRecorder {
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(ev), Secret: webhookSecret, Timestamp: at})
	return e.do(request{method: "POST", path: "/v2/public/stripe/webhook", body: strings.Replace(ev, "PRO", "ENTERPRISE", 1),
		header: http.Header{"Stripe-Signature": {signed.Header}}})
}

// TestWriteQuota: with plans on, the daily write quota holds at its exact
// edge, on both planes, counts by the UTC day of the injected clock, and
// resets at midnight; reads are not counted; a plan change lifts it.
func TestWriteQuota(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, url string) {
		e := mustOpenServerAt(t, url, withPlans(map[tenx.Plan]int{tenx.PlanFree: 4, tenx.PlanPro: 5}))
		e.clock.Set(time.Date(2026, 11, 1, 23, 59, 58, 0, time.UTC)) // the tokens live past midnight
		owner := e.MustSignup(t, "owner@example.com")
		admin := e.MustCreateAdmin(t, "admin@example.com")
		e.MustCreateHandle(t, owner, "acme")
		pat := e.MustCreatePAT(t, owner, "acme", "links.write") // a write of the handle: 1 of 4
		write := func(i int) *httpRecorder {
			body := `{"destinationUrl":"https://example.com/x"}`
			if i%2 == 0 {
				return e.do(request{method: "PUT", path: fmt.Sprintf("/v2/handles/acme/links/link-%d", i), token: owner.Token, body: body})
			}
			return e.do(request{method: "PUT", path: fmt.Sprintf("/v2/public/handles/acme/links/link-%d", i), token: pat, body: body})
		}
		for i := range 3 {
			mustStatus(t, write(i), http.StatusCreated)
		}
		mustStatus(t, e.do(request{method: "GET", path: "/v2/handles/acme/links", token: owner.Token}), http.StatusOK)
		rec := write(3)
		mustError(t, rec, http.StatusTooManyRequests, "rate_limited")
		q := decode[quotaBody](t, rec)
		if q.Plan != "FREE" || q.Limits.WritesPerDay != 4 || q.Usage.WritesToday != 4 || q.Usage.WritesDay != "2026-11-01" ||
			rec.Header().Get("Retry-After") != "3" {
			t.Fatalf("429 %+v, Retry-After %q", q, rec.Header().Get("Retry-After"))
		}
		mustError(t, write(5), http.StatusTooManyRequests, "rate_limited") // the PAT plane too
		s := e.summary(owner)
		if s.Usage.WritesToday != 4 || s.Limits.WritesPerDay == nil || *s.Limits.WritesPerDay != 4 || !s.PlansEnabled {
			t.Fatalf("summary %+v", s)
		}
		e.clock.Set(time.Date(2026, 11, 1, 23, 59, 59, 999_000_000, time.UTC))
		mustError(t, write(7), http.StatusTooManyRequests, "rate_limited")
		e.clock.Set(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) // midnight: a new day
		mustStatus(t, write(3), http.StatusCreated)
		if s := e.summary(owner); s.Usage.WritesToday != 1 || s.Usage.WritesDay != "2026-11-02" {
			t.Fatalf("after midnight %+v", s)
		}
		mustStatus(t, e.do(request{method: "PUT", path: "/v2/platform-admin/users/" + owner.ID + "/plan", token: admin.Token,
			body: `{"plan":"PRO"}`}), http.StatusOK)
		for i := 10; i < 14; i++ { // PRO: 5 a day, one already used
			mustStatus(t, write(i), http.StatusCreated)
		}
		mustError(t, write(20), http.StatusTooManyRequests, "rate_limited")
	})
}

// TestFeatureLocked: with plans on, custom domains need PRO.
func TestFeatureLocked(t *testing.T) {
	e := MustOpenServer(t, withPlans(nil))
	owner := e.MustSignup(t, "owner@example.com")
	admin := e.MustCreateAdmin(t, "admin@example.com")
	e.MustCreateHandle(t, owner, "acme")
	create := func() *httpRecorder {
		return e.do(request{method: "POST", path: "/v2/account/domains", token: owner.Token,
			body: `{"domain":"links.example.com","defaultHandle":"acme"}`})
	}
	rec := create()
	mustError(t, rec, http.StatusForbidden, "feature_locked")
	if b := decode[struct{ Feature, RequiredPlan string }](t, rec); b.Feature != "custom_domains" || b.RequiredPlan != "PRO" {
		t.Fatalf("feature_locked %+v", b)
	}
	if s := e.summary(owner); len(s.Features) != 0 || *s.Limits.WritesPerDay != 1000 {
		t.Fatalf("FREE summary %+v", s)
	}
	mustStatus(t, e.do(request{method: "PUT", path: "/v2/platform-admin/users/" + owner.ID + "/plan", token: admin.Token,
		body: `{"plan":"PRO"}`}), http.StatusOK)
	mustStatus(t, create(), http.StatusCreated)
}
