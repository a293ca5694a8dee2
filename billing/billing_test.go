package billing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"tenx"
	"tenx/billing"
	"tenx/billing/stripetest"
)

const secret = "whsec_test_secret"

var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func sign(payload string, at time.Time, key string) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: key, Timestamp: at}).Header
}

const completed = `{"id":"evt_1","object":"event","type":"checkout.session.completed","api_version":"2020-08-27",
	"data":{"object":{"id":"cs_1","object":"checkout.session","customer":"cus_1","metadata":{"userId":"usr_1","plan":"PRO"}}}}`

// TestParseEvent verifies events signed with stripe-go's own helper: a
// good one is read, and every signature failure is refused.
func TestParseEvent(t *testing.T) {
	s := billing.New(billing.Config{WebhookSecret: secret, Now: func() time.Time { return now }})
	ev, err := s.ParseEvent([]byte(completed), sign(completed, now.Add(-time.Minute), secret))
	if err != nil {
		t.Fatal(err)
	}
	want := tenx.PlanChange{UserID: "usr_1", CustomerID: "cus_1", Plan: tenx.PlanPro}
	if ev.ID != "evt_1" || ev.Type != "checkout.session.completed" || ev.Change == nil || *ev.Change != want {
		t.Fatalf("event %+v change %+v", ev, ev.Change)
	}
	deleted := `{"id":"evt_2","type":"customer.subscription.deleted","data":{"object":{"id":"sub_1","object":"subscription","customer":"cus_1"}}}`
	ev, err = s.ParseEvent([]byte(deleted), sign(deleted, now, secret))
	if err != nil || ev.Change == nil || *ev.Change != (tenx.PlanChange{CustomerID: "cus_1", Plan: tenx.PlanFree}) {
		t.Fatalf("deleted: %+v %v", ev, err)
	}
	other := `{"id":"evt_3","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice"}}}`
	if ev, err = s.ParseEvent([]byte(other), sign(other, now, secret)); err != nil || ev.Change != nil {
		t.Fatalf("other type: %+v %v", ev, err)
	}
	for name, c := range map[string]struct{ payload, header, code string }{
		"no header":           {completed, "", tenx.EVALIDATION},
		"malformed header":    {completed, "garbage", tenx.EVALIDATION},
		"wrong secret":        {completed, sign(completed, now, "whsec_other"), tenx.EVALIDATION},
		"body changed":        {strings.Replace(completed, "PRO", "ENTERPRISE", 1), sign(completed, now, secret), tenx.EVALIDATION},
		"replayed (old)":      {completed, sign(completed, now.Add(-6*time.Minute), secret), tenx.EVALIDATION},
		"from the future":     {completed, sign(completed, now.Add(6*time.Minute), secret), tenx.EVALIDATION},
		"not an event":        {`[1]`, sign(`[1]`, now, secret), tenx.EINVALIDPAYLOAD},
		"event without an id": {`{"type":"x"}`, sign(`{"type":"x"}`, now, secret), tenx.EINVALIDPAYLOAD},
	} {
		_, err := s.ParseEvent([]byte(c.payload), c.header)
		if tenx.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if _, err := billing.New(billing.Config{}).ParseEvent([]byte(completed), sign(completed, now, secret)); tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Errorf("no webhook secret: %v", err)
	}
}

// TestCheckout opens a Checkout session on stripe-mock.
func TestCheckout(t *testing.T) {
	url := stripetest.URL(t)
	s := billing.New(billing.Config{SecretKey: "sk_test_123", APIURL: url,
		Prices:     map[tenx.Plan]string{tenx.PlanPro: "price_pro"},
		SuccessURL: "http://localhost/app/#account", CancelURL: "http://localhost/app/#account"})
	co, err := s.Checkout(t.Context(), "usr_1", "owner@example.com", tenx.PlanPro)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(co.URL, "https://") || co.SessionID == "" {
		t.Fatalf("checkout %+v", co)
	}
	if _, err := s.Checkout(t.Context(), "usr_1", "owner@example.com", tenx.PlanEnterprise); tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Fatalf("plan without a price: %v", err)
	}
	if _, err := billing.New(billing.Config{}).Checkout(t.Context(), "usr_1", "a@example.com", tenx.PlanPro); tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Fatalf("no secret key: %v", err)
	}
	down := billing.New(billing.Config{SecretKey: "sk_test_123", APIURL: "http://127.0.0.1:1",
		Prices: map[tenx.Plan]string{tenx.PlanPro: "price_pro"}})
	if _, err := down.Checkout(t.Context(), "usr_1", "a@example.com", tenx.PlanPro); tenx.ErrorCode(err) != tenx.EUNAVAILABLE {
		t.Fatalf("Stripe unreachable: %v", err)
	}
}
