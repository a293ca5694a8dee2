package tenx

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The event types of PRODUCT.md §7.3, and webhook.disabled, which tells
// a handle's other subscriptions that one was disabled after failing.
const (
	EventLinkCreated         = "link.created"
	EventLinkUpdated         = "link.updated"
	EventLinkDeleted         = "link.deleted"
	EventLinkClicked         = "link.clicked"
	EventTokenCreated        = "token.created"
	EventTokenRevoked        = "token.revoked"
	EventFileUploaded        = "file.uploaded"
	EventDeploymentActivated = "deployment.activated"
	EventPagePublished       = "page.published"
	EventCampaignPublished   = "campaign.published"
	EventConversionRecorded  = "conversion.recorded"
	EventWebhookTest         = "webhook.test"
	EventWebhookDisabled     = "webhook.disabled"
	// EventAll subscribes to every type.
	EventAll = "*"
)

// EventTypes lists every event type a subscription may name, besides "*".
var EventTypes = []string{EventLinkCreated, EventLinkUpdated, EventLinkDeleted, EventLinkClicked,
	EventTokenCreated, EventTokenRevoked, EventFileUploaded, EventDeploymentActivated, EventPagePublished,
	EventCampaignPublished, EventConversionRecorded, EventWebhookTest, EventWebhookDisabled}

// Delivery statuses.
const (
	DeliveryPending   = "PENDING"
	DeliverySucceeded = "SUCCEEDED"
	DeliveryFailed    = "FAILED"
)

// Event is something that happened to a handle, as webhooks deliver it.
type Event struct {
	ID         string
	Type       string
	Handle     string
	OccurredAt time.Time
	// Payload is the JSON object describing what changed.
	Payload json.RawMessage
}

// Webhook is a subscription of an endpoint to a handle's events.
type Webhook struct {
	ID          string
	Handle      string
	EndpointURL string
	EventTypes  []string
	Description string
	Enabled     bool
	// Secret signs deliveries (whsec_ + base64); only the answer to the
	// create carries it.
	Secret string
	// DisabledReason says why tenx disabled the subscription, if it did.
	DisabledReason string
	// FailingSince is when the current run of failed attempts began.
	FailingSince *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Wants reports whether the subscription takes events of type t.
func (w *Webhook) Wants(t string) bool {
	return slices.Contains(w.EventTypes, EventAll) || slices.Contains(w.EventTypes, t)
}

// WebhookPatch is a change to a subscription; nil fields stay.
type WebhookPatch struct {
	EndpointURL *string
	EventTypes  []string
	Enabled     *bool
	Description *string
}

// WebhookDelivery is an event's delivery to one subscription: up to
// five attempts per run (a redelivery starts another run).
type WebhookDelivery struct {
	ID          string
	WebhookID   string
	Handle      string
	EventID     string
	EventType   string
	Status      string
	NextRetryAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Attempts    []WebhookAttempt
}

// WebhookAttempt is one POST of a delivery and what came of it.
type WebhookAttempt struct {
	Attempt    int
	At         time.Time
	StatusCode int // 0 when no response came
	Duration   time.Duration
	Error      string
	// Response is the start of the response body (at most 64 KiB read,
	// 4 KiB kept).
	Response string
	// RetryAt is when the next attempt was scheduled; nil when this one
	// ended its run.
	RetryAt *time.Time
}

// WebhookFilter selects a page of a handle's subscriptions or of one
// subscription's deliveries.
type WebhookFilter struct {
	Handle    string
	WebhookID string
	Limit     int
	NextToken string
}

// WebhookService stores subscriptions and their deliveries.
type WebhookService interface {
	CreateWebhook(ctx context.Context, w *Webhook) error
	FindWebhooks(ctx context.Context, f WebhookFilter) ([]*Webhook, string, error)
	FindWebhook(ctx context.Context, handle, id string) (*Webhook, error)
	UpdateWebhook(ctx context.Context, handle, id string, p WebhookPatch) (*Webhook, error)
	DeleteWebhook(ctx context.Context, handle, id string) error
	// TestWebhook queues a webhook.test event to the subscription only.
	TestWebhook(ctx context.Context, handle, id string) (*Event, error)
	FindWebhookDeliveries(ctx context.Context, f WebhookFilter) ([]*WebhookDelivery, string, error)
	// Redeliver starts a new run of a delivery that has ended; ECONFLICT
	// while it is still pending.
	Redeliver(ctx context.Context, handle, webhookID, deliveryID string) (*WebhookDelivery, error)
}

// ValidateEventTypes checks a subscription's event types.
func ValidateEventTypes(types []string) error {
	if len(types) == 0 {
		return &Error{Code: EVALIDATION, Field: "eventTypes", Message: "eventTypes must name at least one event type, or \"*\""}
	}
	for _, t := range types {
		if t != EventAll && !slices.Contains(EventTypes, t) {
			return &Error{Code: EVALIDATION, Field: "eventTypes",
				Message: "unknown event type " + quote(t) + "; allowed: \"*\", " + strings.Join(EventTypes, ", ")}
		}
	}
	return nil
}

// ValidateEndpointURL checks an endpoint URL: https, or http when
// allowHTTP. Where it may connect is checked at connect time.
func ValidateEndpointURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	bad := err != nil || u.Host == "" || u.Hostname() == "" || len(raw) > 2048 || u.User != nil
	if !bad && u.Scheme == "https" || !bad && allowHTTP && u.Scheme == "http" {
		return nil
	}
	msg := "endpointUrl must be an absolute https URL without credentials"
	if allowHTTP {
		msg = "endpointUrl must be an absolute http or https URL without credentials"
	}
	return &Error{Code: EVALIDATION, Field: "endpointUrl", Message: msg}
}

// WebhookSend is what a delivery attempt needs: where the delivery
// stands, its subscription (with its secret) and its event.
type WebhookSend struct {
	// Attempts is how many attempts are logged; RunStart how many of them
	// came before the current run.
	Attempts, RunStart int
	Webhook            *Webhook
	Event              *Event
}

// WebhookOutcome is what a delivery attempt came to, for the store.
type WebhookOutcome struct {
	Attempt WebhookAttempt
	// OK is a 2xx answer.
	OK bool
	// RetryAt is when the next attempt runs; nil ends the run.
	RetryAt *time.Time
}

// DisabledAfterFailures is the DisabledReason of a subscription that tenx
// disabled because its deliveries failed for WebhookFailureWindow.
const DisabledAfterFailures = "deliveries failed for 24 hours"

// WebhookFailureWindow is how long a subscription's deliveries may fail
// straight before tenx disables it.
const WebhookFailureWindow = 24 * time.Hour
