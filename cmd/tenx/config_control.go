package main

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"tenx"
	"tenx/billing"
	"tenx/dnscheck"
)

// controlConfig is the control plane's part of the configuration: plans,
// the DNS resolver of domain verification, and Stripe.
type controlConfig struct {
	Plans               bool
	DNSResolver         string
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIURL        string
	StripePrices        map[tenx.Plan]string
}

// loadControlConfig reads TENX_PLANS, TENX_DNS_RESOLVER and TENX_STRIPE_*.
func loadControlConfig(env func(key, def string) string) (controlConfig, []error) {
	c := controlConfig{DNSResolver: env("TENX_DNS_RESOLVER", ""), StripeSecretKey: env("TENX_STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret: env("TENX_STRIPE_WEBHOOK_SECRET", ""), StripeAPIURL: env("TENX_STRIPE_API_URL", "")}
	for plan, key := range map[tenx.Plan]string{tenx.PlanPro: "TENX_STRIPE_PRICE_PRO", tenx.PlanEnterprise: "TENX_STRIPE_PRICE_ENTERPRISE"} {
		if price := env(key, ""); price != "" {
			if c.StripePrices == nil {
				c.StripePrices = map[tenx.Plan]string{}
			}
			c.StripePrices[plan] = price
		}
	}
	var errs []error
	switch env("TENX_PLANS", "off") {
	case "on":
		c.Plans = true
	case "off":
	default:
		errs = append(errs, errors.New("TENX_PLANS must be on or off"))
	}
	if c.DNSResolver != "" && !dnscheck.ValidAddr(c.DNSResolver) {
		errs = append(errs, errors.New("TENX_DNS_RESOLVER must be host or host:port of a DNS server"))
	}
	if u, err := url.Parse(c.StripeAPIURL); c.StripeAPIURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		errs = append(errs, errors.New("TENX_STRIPE_API_URL must be an absolute http(s) URL"))
	}
	return c, errs
}

// payments builds the Stripe payments of the configuration; the user comes
// back to the dashboard's account page.
func (c controlConfig) payments(publicURL string, now tenx.Clock) *billing.Stripe {
	back := strings.TrimSuffix(publicURL, "/") + "/app/#account"
	return billing.New(billing.Config{SecretKey: c.StripeSecretKey, WebhookSecret: c.StripeWebhookSecret,
		APIURL: c.StripeAPIURL, Prices: c.StripePrices, SuccessURL: back + "?checkout=done",
		CancelURL: back + "?checkout=cancelled", Now: now})
}

// LogValue masks the Stripe secrets.
func (c controlConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("plans", c.Plans),
		slog.String("dns_resolver", c.DNSResolver),
		slog.Bool("stripe_secret_key_set", c.StripeSecretKey != ""),
		slog.Bool("stripe_webhook_secret_set", c.StripeWebhookSecret != ""),
		slog.String("stripe_api_url", c.StripeAPIURL),
	)
}
