package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/queue"
)

// emit is the transactional outbox of webhooks: it stores the event of a
// change inside the change's own transaction, beside its audit row (see
// record), and queues one delivery job per enabled subscription of the
// handle that wants the event's type, in the same transaction, so that an
// event exists and is delivered exactly when its change commits. payload
// is marshalled to the event's JSON payload.
func (db *DB) emit(ctx context.Context, tx *sqlx.Tx, now time.Time, handle, typ string, payload any) error {
	return db.emitMany(ctx, tx, now, []pendingEvent{{handle, typ, payload}}, nil)
}

// pendingEvent is an event to emit.
type pendingEvent struct {
	handle, typ string
	payload     any
}

// subscribers maps a (handle, event type) to the ids of the enabled
// subscriptions that want it.
type subscribers map[[2]string][]string

// emitMany emits events as emit does, storing the events, their
// deliveries and the deliveries' jobs with multi-row inserts: the click
// writer emits a batch at a time. Each (handle, type)'s subscriptions are
// looked up once, unless subs already has them.
func (db *DB) emitMany(ctx context.Context, tx *sqlx.Tx, now time.Time, pending []pendingEvent, subs subscribers) error {
	if subs == nil {
		subs = subscribers{}
	}
	events := make([]*tenx.Event, 0, len(pending))
	var deliveries []newDelivery
	for _, p := range pending {
		e, err := newEvent(now, p.handle, p.typ, p.payload)
		if err != nil {
			return err
		}
		events = append(events, e)
		key := [2]string{p.handle, p.typ}
		ids, ok := subs[key]
		if !ok {
			err = query(ctx, tx, &ids, `SELECT id FROM webhooks WHERE handle = ? AND enabled = ?
				AND (event_types LIKE ? OR event_types LIKE '%,*,%') ORDER BY id`, p.handle, true, "%,"+p.typ+",%")
			if err != nil {
				return err
			}
			subs[key] = ids
		}
		for _, wid := range ids {
			deliveries = append(deliveries, newDelivery{id: newID("dlv_"), webhookID: wid, eventID: e.ID})
		}
	}
	if err := insertEvents(ctx, tx, events); err != nil {
		return err
	}
	return db.queueDeliveries(ctx, tx, now, deliveries)
}

// emitTo stores an event and queues its delivery to the subscription
// webhookID only, whatever the types it wants (webhook.test).
func (db *DB) emitTo(ctx context.Context, tx *sqlx.Tx, now time.Time, handle, typ, webhookID string, payload any) (*tenx.Event, error) {
	e, err := newEvent(now, handle, typ, payload)
	if err != nil {
		return nil, err
	}
	if err := insertEvents(ctx, tx, []*tenx.Event{e}); err != nil {
		return nil, err
	}
	return e, db.queueDeliveries(ctx, tx, now, []newDelivery{{id: newID("dlv_"), webhookID: webhookID, eventID: e.ID}})
}

// newEvent is an event of the handle with payload marshalled.
func newEvent(now time.Time, handle, typ string, payload any) (*tenx.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("event payload: %w", err)
	}
	return &tenx.Event{ID: newID("evt_"), Type: typ, Handle: handle, OccurredAt: now, Payload: body}, nil
}

// insertEvents stores events, rowsPerInsert to an INSERT.
func insertEvents(ctx context.Context, tx *sqlx.Tx, events []*tenx.Event) error {
	for chunk := range slices.Chunk(events, rowsPerInsert) {
		args := make([]any, 0, len(chunk)*5)
		for _, e := range chunk {
			args = append(args, e.ID, e.Handle, e.Type, string(e.Payload), toMillis(e.OccurredAt))
		}
		if _, err := exec(ctx, tx, `INSERT INTO events (id, handle, type, payload, occurred_at) VALUES `+
			placeholders(len(chunk), 5), args...); err != nil {
			return err
		}
	}
	return nil
}

// queueDeliveries stores the deliveries as pending and queues their first
// attempts.
func (db *DB) queueDeliveries(ctx context.Context, tx *sqlx.Tx, now time.Time, rows []newDelivery) error {
	jobs, err := insertDeliveries(ctx, tx, now, rows)
	if err != nil {
		return err
	}
	return db.jobs.InsertDeliveries(ctx, tx.Tx, jobs)
}

// newDelivery is a new delivery of an event to a subscription.
type newDelivery struct{ id, webhookID, eventID string }

// insertDeliveries stores the deliveries as pending, rowsPerInsert to an
// INSERT, and returns the jobs of their first attempts.
func insertDeliveries(ctx context.Context, tx *sqlx.Tx, now time.Time, rows []newDelivery) ([]queue.Delivery, error) {
	jobs := make([]queue.Delivery, 0, len(rows))
	at := toMillis(now)
	for chunk := range slices.Chunk(rows, rowsPerInsert) {
		args := make([]any, 0, len(chunk)*7)
		for _, d := range chunk {
			args = append(args, d.id, d.webhookID, d.eventID, tenx.DeliveryPending, at, at, at)
			jobs = append(jobs, queue.Delivery{DeliveryArgs: queue.DeliveryArgs{DeliveryID: d.id, Attempt: 1}})
		}
		_, err := exec(ctx, tx, `INSERT INTO webhook_deliveries
			(id, webhook_id, event_id, status, next_retry_at, created_at, updated_at, attempts, run_start)
			VALUES `+deliveryPlaceholders(len(chunk)), args...)
		if err != nil {
			return nil, err
		}
	}
	return jobs, nil
}

// deliveryPlaceholders is the VALUES of n new deliveries: seven
// parameters and, constant, no attempts and run start 0.
func deliveryPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, 0, 0), ", n), ", ")
}

// clickWatchers returns, for the handles among clicks' that have enabled
// subscriptions wanting link.clicked, those subscriptions: one indexed
// query per batch, so the click path pays nothing more when nobody
// subscribes, and emitMany looks nothing up again.
func clickWatchers(ctx context.Context, tx *sqlx.Tx, clicks []*tenx.Click) (subscribers, error) {
	seen := map[string]bool{}
	var handles []any
	for _, c := range clicks {
		if !seen[c.Handle] {
			seen[c.Handle] = true
			handles = append(handles, c.Handle)
		}
	}
	var rows []struct {
		Handle string `db:"handle"`
		ID     string `db:"id"`
	}
	err := query(ctx, tx, &rows, `SELECT handle, id FROM webhooks
		WHERE handle IN `+placeholders(1, len(handles))+` AND enabled = ?
		AND (event_types LIKE '%,link.clicked,%' OR event_types LIKE '%,*,%') ORDER BY handle, id`, append(handles, true)...)
	if err != nil {
		return nil, err
	}
	out := subscribers{}
	for _, r := range rows {
		key := [2]string{r.Handle, tenx.EventLinkClicked}
		out[key] = append(out[key], r.ID)
	}
	return out, nil
}

// clickPayload is the payload of a link.clicked event: the click as
// analytics stores it, without the visitor hash.
type clickPayload struct {
	ClickID     string    `json:"clickId"`
	Slug        string    `json:"slug"`
	OccurredAt  time.Time `json:"occurredAt"`
	Destination string    `json:"destination"`
	Referrer    string    `json:"referrer"`
	Device      string    `json:"device"`
	Browser     string    `json:"browser"`
	OS          string    `json:"os"`
	Country     string    `json:"country"`
	Bot         bool      `json:"bot"`
}

// emitClicks emits a link.clicked event for each click of a handle that a
// subscription watches.
func (db *DB) emitClicks(ctx context.Context, tx *sqlx.Tx, now time.Time, clicks []*tenx.Click) error {
	watched, err := clickWatchers(ctx, tx, clicks)
	if err != nil || len(watched) == 0 {
		return err
	}
	var pending []pendingEvent
	for _, c := range clicks {
		if len(watched[[2]string{c.Handle, tenx.EventLinkClicked}]) == 0 {
			continue
		}
		p := clickPayload{ClickID: c.ID, Slug: c.Slug, OccurredAt: c.OccurredAt.UTC(), Destination: c.Destination,
			Referrer: c.Referrer, Device: c.Device, Browser: c.Browser, OS: c.OS, Country: c.Country, Bot: c.Bot}
		pending = append(pending, pendingEvent{c.Handle, tenx.EventLinkClicked, p})
	}
	return db.emitMany(ctx, tx, now, pending, watched)
}

// linkPayload is the payload of link.created and link.updated.
type linkPayload struct {
	Slug           string   `json:"slug"`
	DestinationURL string   `json:"destinationUrl"`
	Title          string   `json:"title"`
	Enabled        bool     `json:"enabled"`
	RedirectType   int      `json:"redirectType"`
	Tags           []string `json:"tags"`
}

func toLinkPayload(r linkRow, tags []string) linkPayload {
	if tags == nil {
		tags = []string{}
	}
	return linkPayload{Slug: r.Slug, DestinationURL: r.DestinationURL, Title: r.Title, Enabled: r.Enabled,
		RedirectType: int(r.RedirectType), Tags: tags}
}

// tokenPayload is the payload of token.created: never the secret.
type tokenPayload struct {
	TokenID string   `json:"tokenId"`
	Name    string   `json:"name"`
	Scopes  []string `json:"scopes"`
}

func toTokenPayload(r tokenRow) tokenPayload {
	p := tokenPayload{TokenID: r.ID, Name: r.Name, Scopes: []string{}}
	_ = json.Unmarshal([]byte(r.Scopes), &p.Scopes) // stored by toTokenRow from a []string
	return p
}

// conversionPayload is the payload of conversion.recorded.
type conversionPayload struct {
	ConversionID string  `json:"conversionId"`
	Slug         string  `json:"slug"`
	ClickID      string  `json:"clickId"`
	Type         string  `json:"type"`
	Value        *string `json:"value"`
	Currency     string  `json:"currency"`
}

func toConversionPayload(r conversionRow) conversionPayload {
	p := conversionPayload{ConversionID: r.ID, Slug: r.Slug, ClickID: r.ClickID, Type: r.Type, Currency: r.Currency}
	if r.ValueMicros.Valid {
		v := strconv.FormatFloat(float64(r.ValueMicros.Int64)/1e6, 'f', -1, 64)
		p.Value = &v
	}
	return p
}
