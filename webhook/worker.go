package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"tenx"
	"tenx/queue"
)

// Delivery semantics of PRODUCT.md §7.3.
const (
	// DefaultTimeout bounds one attempt: connecting, sending, and reading
	// the answer.
	DefaultTimeout = 10 * time.Second
	// MaxRetryAfter caps the wait a receiver may ask for with Retry-After.
	MaxRetryAfter = 60 * time.Second
	// MaxResponseRead is how much of a response is read.
	MaxResponseRead = 64 << 10
	// ResponseKeep is how much of what was read the delivery log keeps.
	ResponseKeep = 4 << 10
)

// DefaultSchedule is the wait before each retry: attempts 2 to 5 come 5,
// 10, 20 and 40 seconds after the attempt before them.
var DefaultSchedule = []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second}

// Store is what the worker reads and writes.
type Store interface {
	FindWebhookSend(ctx context.Context, deliveryID string) (*tenx.WebhookSend, error)
	RecordWebhookAttempt(ctx context.Context, deliveryID string, o tenx.WebhookOutcome) error
}

// Config tunes the worker.
type Config struct {
	// AllowHTTP lets endpoints use http (TENX_WEBHOOK_ALLOW_HTTP).
	AllowHTTP bool
	// AllowPrivate lets deliveries reach loopback, private and link-local
	// addresses (TENX_WEBHOOK_ALLOW_PRIVATE): tests, on-premise receivers.
	AllowPrivate bool
	// Timeout bounds an attempt (default DefaultTimeout).
	Timeout time.Duration
	// Schedule is the wait before each retry (default DefaultSchedule);
	// its length plus one is the attempts of a run.
	Schedule []time.Duration
	// Now is the clock of attempts and retries (default time.Now).
	Now tenx.Clock
	// Logger logs failed attempts at debug level (default: discard).
	Logger *slog.Logger
}

// Worker runs delivery attempts; it is River's worker of
// queue.DeliveryArgs.
type Worker struct {
	river.WorkerDefaults[queue.DeliveryArgs]
	cfg    Config
	store  Store
	client *http.Client
}

// New returns a worker delivering the deliveries of store.
func New(cfg Config, store Store) *Worker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if len(cfg.Schedule) == 0 {
		cfg.Schedule = DefaultSchedule
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, store: store, client: NewClient(cfg.Timeout, cfg.AllowPrivate)}
}

// NewClient returns the HTTP client of deliveries: no proxy (one would
// connect for us, past the guard), no redirects followed, every attempt
// bounded by timeout, and, unless allowPrivate, a dialer that refuses
// forbidden addresses after DNS resolution.
func NewClient(timeout time.Duration, allowPrivate bool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = newDialer(allowPrivate).DialContext
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: t, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Register adds the worker to River's workers.
func (w *Worker) Register(ws *river.Workers) { river.AddWorker(ws, w) }

// Timeout gives River's job more than the attempt's own timeout, so the
// attempt is always logged.
func (w *Worker) Timeout(*river.Job[queue.DeliveryArgs]) time.Duration {
	return w.cfg.Timeout + 30*time.Second
}

// Work makes one attempt of a delivery and logs it. A delivery deleted
// meanwhile, or an attempt already logged, does nothing; an error here
// (the database failing) makes River run the job again later.
func (w *Worker) Work(ctx context.Context, job *river.Job[queue.DeliveryArgs]) error {
	send, err := w.store.FindWebhookSend(ctx, job.Args.DeliveryID)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if send.Attempts >= job.Args.Attempt {
		return nil
	}
	o := w.attempt(ctx, send, job.Args.Attempt)
	if !o.OK {
		w.cfg.Logger.DebugContext(ctx, "webhook attempt failed", "delivery", job.Args.DeliveryID,
			"attempt", o.Attempt.Attempt, "status", o.Attempt.StatusCode, "error", o.Attempt.Error, "retry_at", o.RetryAt)
	}
	return w.store.RecordWebhookAttempt(ctx, job.Args.DeliveryID, o)
}

// eventBody is the JSON body of a delivery.
type eventBody struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Handle     string          `json:"handle"`
	OccurredAt time.Time       `json:"occurredAt"`
	Payload    json.RawMessage `json:"payload"`
}

// attempt POSTs the event and says what came of it.
func (w *Worker) attempt(ctx context.Context, send *tenx.WebhookSend, n int) tenx.WebhookOutcome {
	start := w.cfg.Now()
	a := tenx.WebhookAttempt{Attempt: n, At: start.UTC()}
	if !send.Webhook.Enabled {
		a.Error = "the subscription is disabled"
		return tenx.WebhookOutcome{Attempt: a}
	}
	resp, err := w.post(ctx, send, n, start)
	a.Duration = w.cfg.Now().Sub(start)
	if err != nil {
		a.Error = err.Error()
		return tenx.WebhookOutcome{Attempt: a, RetryAt: w.retryAt(send, n, start, retryableError(err), 0)}
	}
	a.StatusCode, a.Response = resp.status, resp.body
	if resp.status >= 200 && resp.status < 300 {
		return tenx.WebhookOutcome{Attempt: a, OK: true}
	}
	a.Error = "HTTP " + strconv.Itoa(resp.status)
	return tenx.WebhookOutcome{Attempt: a, RetryAt: w.retryAt(send, n, start, retryableStatus(resp.status), resp.retryAfter)}
}

// retryAt is when the next attempt runs, or nil when the run ends: not
// retryable, or its last attempt. A Retry-After the receiver sent is
// honoured up to MaxRetryAfter.
func (w *Worker) retryAt(send *tenx.WebhookSend, n int, at time.Time, retryable bool, retryAfter time.Duration) *time.Time {
	inRun := n - send.RunStart
	if !retryable || inRun > len(w.cfg.Schedule) {
		return nil
	}
	wait := w.cfg.Schedule[inRun-1]
	if retryAfter > 0 {
		wait = min(retryAfter, MaxRetryAfter)
	}
	next := at.Add(wait).UTC()
	return &next
}

// response is what an attempt got back.
type response struct {
	status     int
	body       string
	retryAfter time.Duration
}

// post sends the signed event to the subscription's endpoint.
func (w *Worker) post(ctx context.Context, send *tenx.WebhookSend, n int, now time.Time) (*response, error) {
	if tenx.ValidateEndpointURL(send.Webhook.EndpointURL, w.cfg.AllowHTTP) != nil {
		return nil, errNotAllowedURL
	}
	body, err := json.Marshal(eventBody{ID: send.Event.ID, Type: send.Event.Type, Handle: send.Event.Handle,
		OccurredAt: send.Event.OccurredAt.UTC(), Payload: send.Event.Payload})
	if err != nil {
		return nil, err
	}
	ts := now.Unix()
	sig, err := Sign(send.Webhook.Secret, send.Event.ID, ts, body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, send.Webhook.EndpointURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "tenx-webhooks/1")
	req.Header.Set("webhook-id", send.Event.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	req.Header.Set("tenx-event-type", send.Event.Type)
	req.Header.Set("tenx-attempt", strconv.Itoa(n))
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	read, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseRead))
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", unwrapURLError(err))
	}
	return &response{status: resp.StatusCode, body: keep(read), retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), now)}, nil
}

var errNotAllowedURL = errors.New("endpointUrl is not an allowed URL (https only unless http is allowed)")

// unwrapURLError drops the *url.Error wrapping, which repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timeout: no answer within the attempt's time limit")
		}
		return ue.Err
	}
	return err
}

// keep cuts a response to at most ResponseKeep bytes of valid UTF-8
// without NUL, which Postgres text cannot hold.
func keep(b []byte) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "\uFFFD")
	if len(s) <= ResponseKeep {
		return s
	}
	cut := ResponseKeep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// retryableError says whether an attempt that got no answer is retried:
// yes (a timeout, a refused or reset connection), except when the guard
// refused the address or the URL is not allowed, which a retry would not
// change.
func retryableError(err error) bool {
	return !errors.Is(err, ErrForbiddenAddress) && !errors.Is(err, errNotAllowedURL)
}

// retryableStatus: 408, 429 and 5xx are retried; other answers end the
// delivery.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// parseRetryAfter reads Retry-After in seconds or as an HTTP date; 0 when
// absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
