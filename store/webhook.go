package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/queue"
)

// Audit actions of webhooks.
const (
	auditWebhookCreated     = "webhook.created"
	auditWebhookUpdated     = "webhook.updated"
	auditWebhookDeleted     = "webhook.deleted"
	auditWebhookDisabled    = "webhook.disabled"
	auditWebhookRedelivered = "webhook.redelivered"
)

var _ tenx.WebhookService = (*DB)(nil)

// webhookRow is a row of webhooks.
type webhookRow struct {
	ID             string        `db:"id"`
	Handle         string        `db:"handle"`
	EndpointURL    string        `db:"endpoint_url"`
	EventTypes     string        `db:"event_types"`
	Description    string        `db:"description"`
	Secret         string        `db:"secret"`
	Enabled        bool          `db:"enabled"`
	DisabledReason string        `db:"disabled_reason"`
	FailingSince   sql.NullInt64 `db:"failing_since"`
	CreatedAt      int64         `db:"created_at"`
	UpdatedAt      int64         `db:"updated_at"`
}

const webhookColumns = `id, handle, endpoint_url, event_types, description, secret, enabled, disabled_reason,
	failing_since, created_at, updated_at`

// joinTypes stores event types as ",a,b," for LIKE '%,a,%' (see emit).
func joinTypes(types []string) string { return "," + strings.Join(types, ",") + "," }

func splitTypes(s string) []string { return strings.Split(strings.Trim(s, ","), ",") }

func (r webhookRow) toWebhook() *tenx.Webhook {
	return &tenx.Webhook{ID: r.ID, Handle: r.Handle, EndpointURL: r.EndpointURL, EventTypes: splitTypes(r.EventTypes),
		Description: r.Description, Enabled: r.Enabled, Secret: r.Secret, DisabledReason: r.DisabledReason,
		FailingSince: fromNullMillis(r.FailingSince), CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
}

// newWebhookSecret returns a Standard Webhooks secret: whsec_ and the
// base64 of 32 random bytes.
func newWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails since Go 1.24
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// CreateWebhook stores w, enabled, with a new id and secret.
func (db *DB) CreateWebhook(ctx context.Context, w *tenx.Webhook) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		w.ID, w.Secret, w.Enabled, w.DisabledReason, w.FailingSince = newID("whk_"), newWebhookSecret(), true, "", nil
		w.CreatedAt, w.UpdatedAt = now, now
		_, err := exec(ctx, tx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, '', NULL, ?, ?)`,
			w.ID, w.Handle, w.EndpointURL, joinTypes(w.EventTypes), w.Description, w.Secret, true,
			toMillis(now), toMillis(now))
		if err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: w.Handle, Action: auditWebhookCreated, TargetID: w.ID})
	})
	return translate(err, "create webhook", "handle")
}

// FindWebhooks lists the handle's subscriptions, newest first.
func (db *DB) FindWebhooks(ctx context.Context, f tenx.WebhookFilter) ([]*tenx.Webhook, string, error) {
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClause(after)
	var rows []webhookRow
	err = query(ctx, db.db, &rows, `SELECT `+webhookColumns+` FROM webhooks WHERE handle = ?`+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(append([]any{f.Handle}, condArgs...), limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find webhooks", "webhook")
	}
	rows, next := trimPage(rows, limit, func(r webhookRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	out := make([]*tenx.Webhook, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toWebhook())
	}
	return out, next, nil
}

// FindWebhook returns a subscription of the handle; ENOTFOUND if unknown.
func (db *DB) FindWebhook(ctx context.Context, handle, id string) (*tenx.Webhook, error) {
	w, err := findWebhook(ctx, db.db, handle, id)
	return w, translate(err, "find webhook", "webhook")
}

func findWebhook(ctx context.Context, q sqlx.ExtContext, handle, id string) (*tenx.Webhook, error) {
	var row webhookRow
	if err := get(ctx, q, &row, `SELECT `+webhookColumns+` FROM webhooks WHERE handle = ? AND id = ?`, handle, id); err != nil {
		return nil, err
	}
	return row.toWebhook(), nil
}

// UpdateWebhook applies p. Enabling a subscription forgets why it was
// disabled and its failures.
func (db *DB) UpdateWebhook(ctx context.Context, handle, id string, p tenx.WebhookPatch) (*tenx.Webhook, error) {
	var w *tenx.Webhook
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var err error
		if w, err = findWebhook(ctx, tx, handle, id); err != nil {
			return err
		}
		applyWebhookPatch(w, p)
		w.UpdatedAt = now
		if _, err := exec(ctx, tx, `UPDATE webhooks SET endpoint_url = ?, event_types = ?, description = ?, enabled = ?,
			disabled_reason = ?, failing_since = ?, updated_at = ? WHERE id = ?`, w.EndpointURL, joinTypes(w.EventTypes),
			w.Description, w.Enabled, w.DisabledReason, toNullMillis(w.FailingSince), toMillis(now), id); err != nil {
			return err
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditWebhookUpdated, TargetID: id})
	})
	return w, translate(err, "update webhook", "webhook")
}

func applyWebhookPatch(w *tenx.Webhook, p tenx.WebhookPatch) {
	if p.EndpointURL != nil {
		w.EndpointURL = *p.EndpointURL
	}
	if p.EventTypes != nil {
		w.EventTypes = p.EventTypes
	}
	if p.Description != nil {
		w.Description = *p.Description
	}
	if p.Enabled != nil {
		if *p.Enabled && !w.Enabled {
			w.DisabledReason, w.FailingSince = "", nil
		}
		w.Enabled = *p.Enabled
	}
}

// DeleteWebhook deletes a subscription and its delivery log; its queued
// attempts find nothing to do.
func (db *DB) DeleteWebhook(ctx context.Context, handle, id string) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `DELETE FROM webhooks WHERE handle = ? AND id = ?`, handle, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return sql.ErrNoRows
		}
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditWebhookDeleted, TargetID: id})
	})
	return translate(err, "delete webhook", "webhook")
}

// TestWebhook queues a webhook.test event to the subscription only;
// ECONFLICT when it is disabled.
func (db *DB) TestWebhook(ctx context.Context, handle, id string) (*tenx.Event, error) {
	var e *tenx.Event
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		w, err := findWebhook(ctx, tx, handle, id)
		if err != nil {
			return err
		}
		if !w.Enabled {
			return &tenx.Error{Code: tenx.ECONFLICT, Message: "the subscription is disabled: enable it first"}
		}
		e, err = db.emitTo(ctx, tx, now, handle, tenx.EventWebhookTest, id, map[string]string{"webhookId": id})
		return err
	})
	return e, translate(err, "test webhook", "webhook")
}

// deliveryRow is a row of webhook_deliveries with its event's type.
type deliveryRow struct {
	ID          string        `db:"id"`
	WebhookID   string        `db:"webhook_id"`
	EventID     string        `db:"event_id"`
	EventType   string        `db:"type"`
	Handle      string        `db:"handle"`
	Status      string        `db:"status"`
	Attempts    int           `db:"attempts"`
	RunStart    int           `db:"run_start"`
	NextRetryAt sql.NullInt64 `db:"next_retry_at"`
	CreatedAt   int64         `db:"created_at"`
	UpdatedAt   int64         `db:"updated_at"`
}

const deliveryColumns = `d.id, d.webhook_id, d.event_id, e.type, e.handle, d.status, d.attempts, d.run_start,
	d.next_retry_at, d.created_at, d.updated_at`

func (r deliveryRow) toDelivery() *tenx.WebhookDelivery {
	return &tenx.WebhookDelivery{ID: r.ID, WebhookID: r.WebhookID, Handle: r.Handle, EventID: r.EventID,
		EventType: r.EventType, Status: r.Status, NextRetryAt: fromNullMillis(r.NextRetryAt),
		CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
}

// attemptRow is a row of webhook_attempts.
type attemptRow struct {
	DeliveryID string        `db:"delivery_id"`
	Attempt    int           `db:"attempt"`
	At         int64         `db:"at"`
	StatusCode int           `db:"status_code"`
	DurationMS int64         `db:"duration_ms"`
	Error      string        `db:"error"`
	Response   string        `db:"response"`
	RetryAt    sql.NullInt64 `db:"retry_at"`
}

func (r attemptRow) toAttempt() tenx.WebhookAttempt {
	return tenx.WebhookAttempt{Attempt: r.Attempt, At: fromMillis(r.At), StatusCode: r.StatusCode,
		Duration: time.Duration(r.DurationMS) * time.Millisecond, Error: r.Error, Response: r.Response, RetryAt: fromNullMillis(r.RetryAt)}
}

// FindWebhookDeliveries lists a subscription's deliveries, newest first,
// each with its attempts; ENOTFOUND for an unknown subscription.
func (db *DB) FindWebhookDeliveries(ctx context.Context, f tenx.WebhookFilter) ([]*tenx.WebhookDelivery, string, error) {
	if _, err := db.FindWebhook(ctx, f.Handle, f.WebhookID); err != nil {
		return nil, "", err
	}
	after, err := decodeTimeCursor(f.NextToken)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cond, condArgs := timeCursorClauseOf(after, "d.")
	var rows []deliveryRow
	err = query(ctx, db.db, &rows, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
		WHERE d.webhook_id = ?`+cond+` ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
		append(append([]any{f.WebhookID}, condArgs...), limit+1)...)
	if err != nil {
		return nil, "", translate(err, "find deliveries", "delivery")
	}
	rows, next := trimPage(rows, limit, func(r deliveryRow) string { return encodeTimeCursor(r.CreatedAt, r.ID) })
	out, err := db.withAttempts(ctx, rows)
	return out, next, translate(err, "find deliveries", "delivery")
}

// withAttempts converts rows and loads their attempts.
func (db *DB) withAttempts(ctx context.Context, rows []deliveryRow) ([]*tenx.WebhookDelivery, error) {
	out := make([]*tenx.WebhookDelivery, 0, len(rows))
	byID := make(map[string]*tenx.WebhookDelivery, len(rows))
	ids := make([]any, 0, len(rows))
	for _, r := range rows {
		d := r.toDelivery()
		out, byID[r.ID], ids = append(out, d), d, append(ids, r.ID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var attempts []attemptRow
	err := query(ctx, db.db, &attempts, `SELECT delivery_id, attempt, at, status_code, duration_ms, error, response, retry_at
		FROM webhook_attempts WHERE delivery_id IN `+placeholders(1, len(ids))+` ORDER BY delivery_id, attempt`, ids...)
	for _, a := range attempts {
		byID[a.DeliveryID].Attempts = append(byID[a.DeliveryID].Attempts, a.toAttempt())
	}
	return out, err
}

// Redeliver starts a new run of attempts (webhook.DefaultSchedule) of a
// delivery that has ended; ECONFLICT while it is pending.
func (db *DB) Redeliver(ctx context.Context, handle, webhookID, deliveryID string) (*tenx.WebhookDelivery, error) {
	var out *tenx.WebhookDelivery
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var r deliveryRow
		err := get(ctx, tx, &r, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
			JOIN webhooks w ON w.id = d.webhook_id WHERE w.handle = ? AND d.webhook_id = ? AND d.id = ?`,
			handle, webhookID, deliveryID)
		if err != nil {
			return err
		}
		if r.Status == tenx.DeliveryPending {
			return &tenx.Error{Code: tenx.ECONFLICT, Message: "the delivery is still pending: wait for it to end"}
		}
		r.Status, r.RunStart, r.NextRetryAt, r.UpdatedAt = tenx.DeliveryPending, r.Attempts, sql.NullInt64{Int64: toMillis(now), Valid: true}, toMillis(now)
		if _, err := exec(ctx, tx, `UPDATE webhook_deliveries SET status = ?, run_start = attempts, next_retry_at = ?,
			updated_at = ? WHERE id = ?`, r.Status, r.NextRetryAt, r.UpdatedAt, r.ID); err != nil {
			return err
		}
		job := queue.Delivery{DeliveryArgs: queue.DeliveryArgs{DeliveryID: r.ID, Attempt: r.Attempts + 1}}
		if err := db.jobs.InsertDeliveries(ctx, tx.Tx, []queue.Delivery{job}); err != nil {
			return err
		}
		out = r.toDelivery()
		return record(ctx, tx, now, tenx.AuditEvent{Handle: handle, Action: auditWebhookRedelivered, TargetID: r.ID})
	})
	return out, translate(err, "redeliver", "delivery")
}
