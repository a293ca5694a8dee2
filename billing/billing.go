// Package billing takes payments through Stripe (github.com/stripe/stripe-go):
// it opens Checkout sessions for a plan and verifies and reads the events
// Stripe sends to the webhook. It knows nothing of the database: what an
// event changes is a tenx.PlanChange for the store to apply.
package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"tenx"
)

// Tolerance is how old a signed event may be: older ones are replays.
const Tolerance = 5 * time.Minute

// Config configures payments; without SecretKey there is no checkout,
// without WebhookSecret no webhook.
type Config struct {
	SecretKey     string
	WebhookSecret string
	// APIURL overrides Stripe's API address (stripe-mock in tests).
	APIURL string
	// Prices are the Stripe price ids of the plans sold.
	Prices map[tenx.Plan]string
	// SuccessURL and CancelURL are where Checkout sends the user back.
	SuccessURL, CancelURL string
	// Now is the clock the signature's age is measured with.
	Now tenx.Clock
}

// Stripe implements tenx.Payments.
type Stripe struct {
	cfg    Config
	client *stripe.Client
}

var _ tenx.Payments = (*Stripe)(nil)

// New returns the payments of cfg.
func New(cfg Config) *Stripe {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Stripe{cfg: cfg}
	if cfg.SecretKey != "" {
		retries := int64(1)
		bc := &stripe.BackendConfig{HTTPClient: &http.Client{Timeout: 10 * time.Second}, MaxNetworkRetries: &retries,
			LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
		if cfg.APIURL != "" {
			bc.URL = stripe.String(cfg.APIURL)
		}
		s.client = stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(bc)))
	}
	return s
}

// CheckoutAvailable reports whether a plan can be bought here.
func (s *Stripe) CheckoutAvailable() bool { return s.client != nil }

// Checkout opens a Stripe Checkout session for the user to pay for plan;
// the plan's metadata comes back in the checkout.session.completed event.
func (s *Stripe) Checkout(ctx context.Context, userID, email string, plan tenx.Plan) (*tenx.Checkout, error) {
	if s.client == nil {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE,
			"payments are not configured on this server (the operator sets TENX_STRIPE_SECRET_KEY)")
	}
	price := s.cfg.Prices[plan]
	if price == "" {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "plan %s cannot be bought on this server: no Stripe price is configured for it", plan)
	}
	meta := map[string]string{"userId": userID, "plan": string(plan)}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		LineItems:         []*stripe.CheckoutSessionCreateLineItemParams{{Price: stripe.String(price), Quantity: stripe.Int64(1)}},
		SuccessURL:        stripe.String(s.cfg.SuccessURL),
		CancelURL:         stripe.String(s.cfg.CancelURL),
		ClientReferenceID: stripe.String(userID),
		CustomerEmail:     stripe.String(email),
		Metadata:          meta,
		SubscriptionData:  &stripe.CheckoutSessionCreateSubscriptionDataParams{Metadata: meta},
	}
	cs, err := s.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", tenx.Errorf(tenx.EUNAVAILABLE, "the payment provider could not open a checkout; retry later"), err)
	}
	return &tenx.Checkout{URL: cs.URL, SessionID: cs.ID}, nil
}

// ParseEvent verifies payload against its Stripe-Signature header (HMAC
// with the webhook secret, timestamp within Tolerance of Now) and reads
// what it changes. Failures are EVALIDATION on the header; without a
// webhook secret, EUNAVAILABLE.
func (s *Stripe) ParseEvent(payload []byte, header string) (*tenx.PaymentEvent, error) {
	if s.cfg.WebhookSecret == "" {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "the Stripe webhook is not configured on this server (TENX_STRIPE_WEBHOOK_SECRET)")
	}
	signedAt, err := signatureTime(header)
	if err != nil {
		return nil, badSignature("the Stripe-Signature header is missing or malformed")
	}
	// The library checks the HMAC; the age is measured here, with the
	// injected clock.
	ev, err := webhook.ConstructEventWithOptions(payload, header, s.cfg.WebhookSecret,
		webhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true})
	if errors.Is(err, webhook.ErrNoValidSignature) || errors.Is(err, webhook.ErrInvalidHeader) || errors.Is(err, webhook.ErrNotSigned) {
		return nil, badSignature("the Stripe-Signature does not match the body")
	}
	if err != nil {
		return nil, tenx.Errorf(tenx.EINVALIDPAYLOAD, "the event is not a Stripe event")
	}
	if age := s.cfg.Now().Sub(signedAt); age > Tolerance || age < -Tolerance {
		return nil, badSignature("the Stripe-Signature timestamp is not within 5 minutes of now (a replay?)")
	}
	if ev.ID == "" {
		return nil, tenx.Errorf(tenx.EINVALIDPAYLOAD, "the event has no id")
	}
	return &tenx.PaymentEvent{ID: ev.ID, Type: string(ev.Type), Change: changeOf(&ev)}, nil
}

func badSignature(msg string) error {
	return &tenx.Error{Code: tenx.EVALIDATION, Field: "Stripe-Signature", Message: msg}
}

// signatureTime reads t= of a Stripe-Signature header.
func signatureTime(header string) (time.Time, error) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			sec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, err
			}
			return time.Unix(sec, 0), nil
		}
	}
	return time.Time{}, errors.New("no timestamp")
}

// changeOf is the plan change an event asks for; nil for events that
// change no plan, or that tenx did not start.
func changeOf(ev *stripe.Event) *tenx.PlanChange {
	if ev.Data == nil {
		return nil
	}
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted:
		var cs stripe.CheckoutSession
		if json.Unmarshal(ev.Data.Raw, &cs) != nil {
			return nil
		}
		plan := tenx.Plan(cs.Metadata["plan"])
		if cs.Metadata["userId"] == "" || !plan.Valid() {
			return nil
		}
		c := &tenx.PlanChange{UserID: cs.Metadata["userId"], Plan: plan}
		if cs.Customer != nil {
			c.CustomerID = cs.Customer.ID
		}
		return c
	case stripe.EventTypeCustomerSubscriptionDeleted:
		var sub stripe.Subscription
		if json.Unmarshal(ev.Data.Raw, &sub) != nil || sub.Customer == nil || sub.Customer.ID == "" {
			return nil
		}
		return &tenx.PlanChange{CustomerID: sub.Customer.ID, Plan: tenx.PlanFree}
	}
	return nil
}
