package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
	"tenx/queue"
)

// The delivery worker's side of webhooks (package webhook): what an
// attempt needs, and what it came to.

// FindWebhookSend returns what the delivery's next attempt needs;
// ENOTFOUND when the delivery (or its subscription) was deleted.
func (db *DB) FindWebhookSend(ctx context.Context, deliveryID string) (*tenx.WebhookSend, error) {
	var r struct {
		deliveryRow
		Payload    string `db:"payload"`
		OccurredAt int64  `db:"occurred_at"`
	}
	err := get(ctx, db.db, &r, `SELECT `+deliveryColumns+`, e.payload, e.occurred_at
		FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?`, deliveryID)
	if err != nil {
		return nil, translate(err, "find delivery", "delivery")
	}
	var w webhookRow
	if err := get(ctx, db.db, &w, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, r.WebhookID); err != nil {
		return nil, translate(err, "find delivery", "webhook")
	}
	return &tenx.WebhookSend{Attempts: r.Attempts, RunStart: r.RunStart, Webhook: w.toWebhook(),
		Event: &tenx.Event{ID: r.EventID, Type: r.EventType, Handle: r.Handle, OccurredAt: fromMillis(r.OccurredAt),
			Payload: json.RawMessage(r.Payload)}}, nil
}

// RecordWebhookAttempt logs an attempt of the delivery and what follows
// from it, in one transaction: the delivery's status, the next attempt's
// job when o.RetryAt is set, and the subscription's run of failures. A
// subscription whose failures began tenx.WebhookFailureWindow ago is
// disabled, with an audit row and a webhook.disabled event. An attempt
// already logged (its worker died after logging it, and River ran the job
// again) changes nothing.
func (db *DB) RecordWebhookAttempt(ctx context.Context, deliveryID string, o tenx.WebhookOutcome) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var d struct {
			WebhookID string `db:"webhook_id"`
			Attempts  int    `db:"attempts"`
		}
		err := get(ctx, tx, &d, `SELECT webhook_id, attempts FROM webhook_deliveries WHERE id = ?`, deliveryID)
		if err != nil || d.Attempts >= o.Attempt.Attempt {
			return err
		}
		if err := insertAttempt(ctx, tx, deliveryID, o); err != nil {
			return err
		}
		if err := db.advanceDelivery(ctx, tx, now, deliveryID, o); err != nil {
			return err
		}
		return db.trackFailures(ctx, tx, now, d.WebhookID, o)
	})
	return translate(err, "record delivery attempt", "delivery")
}

func insertAttempt(ctx context.Context, tx *sqlx.Tx, deliveryID string, o tenx.WebhookOutcome) error {
	a := o.Attempt
	_, err := exec(ctx, tx, `INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response,
		retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, deliveryID, a.Attempt, toMillis(a.At), a.StatusCode,
		a.Duration.Milliseconds(), a.Error, a.Response, toNullMillis(o.RetryAt))
	return err
}

// advanceDelivery sets the delivery's status after an attempt and queues
// the next one when o asks for it.
func (db *DB) advanceDelivery(ctx context.Context, tx *sqlx.Tx, now time.Time, deliveryID string, o tenx.WebhookOutcome) error {
	status, next := tenx.DeliveryFailed, sql.NullInt64{}
	switch {
	case o.OK:
		status = tenx.DeliverySucceeded
	case o.RetryAt != nil:
		status, next = tenx.DeliveryPending, sql.NullInt64{Int64: toMillis(*o.RetryAt), Valid: true}
	}
	_, err := exec(ctx, tx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_retry_at = ?, updated_at = ?
		WHERE id = ?`, status, o.Attempt.Attempt, next, toMillis(now), deliveryID)
	if err != nil || o.RetryAt == nil || o.OK {
		return err
	}
	job := queue.Delivery{DeliveryArgs: queue.DeliveryArgs{DeliveryID: deliveryID, Attempt: o.Attempt.Attempt + 1}, At: *o.RetryAt}
	return db.jobs.InsertDeliveries(ctx, tx.Tx, []queue.Delivery{job})
}

// trackFailures keeps the subscription's run of failures: a success ends
// it; a failure starts it, or disables the subscription when it began
// tenx.WebhookFailureWindow before this attempt.
func (db *DB) trackFailures(ctx context.Context, tx *sqlx.Tx, now time.Time, webhookID string, o tenx.WebhookOutcome) error {
	if o.OK {
		_, err := exec(ctx, tx, `UPDATE webhooks SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL`, webhookID)
		return err
	}
	at := toMillis(o.Attempt.At)
	if _, err := exec(ctx, tx, `UPDATE webhooks SET failing_since = ? WHERE id = ? AND failing_since IS NULL`,
		at, webhookID); err != nil {
		return err
	}
	var w webhookRow
	if err := get(ctx, tx, &w, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, webhookID); err != nil {
		return err
	}
	if !w.Enabled || at-w.FailingSince.Int64 < tenx.WebhookFailureWindow.Milliseconds() {
		return nil
	}
	return db.disableFailing(ctx, tx, now, w)
}

// disableFailing disables a subscription whose deliveries failed for
// tenx.WebhookFailureWindow, and says so: an audit row, and a
// webhook.disabled event to the handle's other subscriptions.
func (db *DB) disableFailing(ctx context.Context, tx *sqlx.Tx, now time.Time, w webhookRow) error {
	if _, err := exec(ctx, tx, `UPDATE webhooks SET enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ?`,
		false, tenx.DisabledAfterFailures, toMillis(now), w.ID); err != nil {
		return err
	}
	err := record(ctx, tx, now, tenx.AuditEvent{Handle: w.Handle, Action: auditWebhookDisabled, TargetID: w.ID,
		ActorUserID: "tenx"})
	if err != nil {
		return err
	}
	return db.emit(ctx, tx, now, w.Handle, tenx.EventWebhookDisabled,
		map[string]string{"webhookId": w.ID, "endpointUrl": w.EndpointURL, "reason": tenx.DisabledAfterFailures})
}
