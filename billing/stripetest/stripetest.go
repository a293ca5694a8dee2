// Package stripetest points tests at stripe-mock (github.com/stripe/stripe-mock),
// the HTTP server that answers like Stripe's API from its OpenAPI spec,
// which .ci/run installs and starts on loopback.
package stripetest

import (
	"os"
	"testing"
)

// URLEnv names the stripe-mock base URL, e.g. http://127.0.0.1:12111.
const URLEnv = "TENX_TEST_STRIPE_MOCK_URL"

// URL returns stripe-mock's base URL. Without it the test is skipped,
// saying why, except in CI (CI=true), where it fails: there the Stripe
// flow must run.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(URLEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: .ci/run must install and start stripe-mock", URLEnv)
		}
		tb.Skipf("%s not set: skipping the Stripe flow (go install github.com/stripe/stripe-mock@v0.203.0, "+
			"run stripe-mock -http-addr 127.0.0.1:12111 and set %s=http://127.0.0.1:12111)", URLEnv, URLEnv)
	}
	return u
}
