package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tenx"
)

// TestLoadControlConfig reads the control plane's settings and refuses
// bad ones; the Stripe secrets never reach the log.
func TestLoadControlConfig(t *testing.T) {
	c, err := loadConfig(mapEnv(map[string]string{"TENX_PLANS": "on", "TENX_DNS_RESOLVER": "127.0.0.1:5353",
		"TENX_STRIPE_SECRET_KEY": "sk_live_secret", "TENX_STRIPE_WEBHOOK_SECRET": "whsec_secret",
		"TENX_STRIPE_API_URL": "http://127.0.0.1:12111", "TENX_STRIPE_PRICE_PRO": "price_pro"}))
	if err != nil {
		t.Fatal(err)
	}
	want := controlConfig{Plans: true, DNSResolver: "127.0.0.1:5353", StripeSecretKey: "sk_live_secret",
		StripeWebhookSecret: "whsec_secret", StripeAPIURL: "http://127.0.0.1:12111",
		StripePrices: map[tenx.Plan]string{tenx.PlanPro: "price_pro"}}
	if diff := cmp.Diff(want, c.Control); diff != "" {
		t.Fatalf("control config (-want +got):\n%s", diff)
	}
	var log bytes.Buffer
	slog.New(slog.NewJSONHandler(&log, nil)).Info("config", "config", c)
	if strings.Contains(log.String(), "sk_live_secret") || strings.Contains(log.String(), "whsec_secret") || !strings.Contains(log.String(), `"stripe_secret_key_set":true`) {
		t.Fatalf("logged %s", log.String())
	}
	for key, bad := range map[string]string{"TENX_PLANS": "yes", "TENX_DNS_RESOLVER": "127.0.0.1:",
		"TENX_STRIPE_API_URL": "ftp://x"} {
		_, err := loadConfig(mapEnv(map[string]string{key: bad}))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: %v, want an error naming it", key, bad, err)
		}
	}
}
