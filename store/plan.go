package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"tenx"
)

// FindPlan returns the user's plan: FREE when none was ever set.
func (db *DB) FindPlan(ctx context.Context, userID string) (tenx.Plan, error) {
	var plan string
	err := get(ctx, db.db, &plan, `SELECT plan FROM user_plans WHERE user_id = ?`, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return tenx.PlanFree, nil
	}
	if err != nil {
		return "", translate(err, "find plan", "plan")
	}
	return tenx.Plan(plan), nil
}

// SetPlan sets the user's plan and records who did; ENOTFOUND for an
// unknown user.
func (db *DB) SetPlan(ctx context.Context, userID string, p tenx.Plan) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := mustUser(ctx, tx, userID); err != nil {
			return err
		}
		if err := upsertPlan(ctx, tx, userID, "", p, now); err != nil {
			return err
		}
		return adminRecord(ctx, tx, now, tenx.AuditEvent{Action: tenx.AuditUserPlanSet, TargetID: userID + ":" + string(p)})
	})
	return translate(err, "set plan", "user")
}

// upsertPlan sets the user's plan and, when customerID is not empty, the
// Stripe customer it is paid by.
func upsertPlan(ctx context.Context, tx *sqlx.Tx, userID, customerID string, p tenx.Plan, now time.Time) error {
	customer := sql.NullString{String: customerID, Valid: customerID != ""}
	_, err := exec(ctx, tx, `INSERT INTO user_plans (user_id, plan, stripe_customer_id, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan,
			stripe_customer_id = COALESCE(excluded.stripe_customer_id, user_plans.stripe_customer_id),
			updated_at = excluded.updated_at`, userID, string(p), customer, toMillis(now))
	return err
}

// CountWrite counts one write of the user on day unless limit writes were
// counted already; the check and the increment are one statement, so
// concurrent writes cannot overshoot.
func (db *DB) CountWrite(ctx context.Context, userID, day string, limit int) (int, bool, error) {
	var count int
	err := db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		return get(ctx, tx, &count, `INSERT INTO write_usage (user_id, day, writes) VALUES (?, ?, 1)
			ON CONFLICT (user_id, day) DO UPDATE SET writes = write_usage.writes + 1
			WHERE write_usage.writes < ?
			RETURNING writes`, userID, day, limit)
	})
	if errors.Is(err, sql.ErrNoRows) {
		n, err := db.FindUsage(ctx, userID, day)
		return n, false, err
	}
	if err != nil {
		return 0, false, translate(err, "count write", "usage")
	}
	return count, true, nil
}

// FindUsage returns the writes counted for the user on day.
func (db *DB) FindUsage(ctx context.Context, userID, day string) (int, error) {
	var n int
	err := get(ctx, db.db, &n, `SELECT writes FROM write_usage WHERE user_id = ? AND day = ?`, userID, day)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, translate(err, "find usage", "usage")
}

// ApplyStripeEvent records the event and applies change in the same
// transaction, unless the event id was recorded before. A change naming
// a user who no longer exists, or a customer nobody pays with, is
// recorded and ignored: Stripe must not retry it forever.
func (db *DB) ApplyStripeEvent(ctx context.Context, eventID, eventType string, change *tenx.PlanChange) (bool, error) {
	duplicate := false
	err := db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, err := exec(ctx, tx, `INSERT INTO stripe_events (id, type, received_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, eventID, eventType, toMillis(now))
		if err != nil {
			return err
		}
		if duplicate = n == 0; duplicate || change == nil {
			return nil
		}
		return applyPlanChange(ctx, tx, change, now)
	})
	return duplicate, translate(err, "apply stripe event", "stripe event")
}

func applyPlanChange(ctx context.Context, tx *sqlx.Tx, c *tenx.PlanChange, now time.Time) error {
	userID := c.UserID
	if userID == "" {
		err := get(ctx, tx, &userID, `SELECT user_id FROM user_plans WHERE stripe_customer_id = ?`, c.CustomerID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	if err := mustUser(ctx, tx, userID); errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	customer := c.CustomerID
	if c.UserID == "" {
		customer = "" // already on the row
	}
	if err := upsertPlan(ctx, tx, userID, customer, c.Plan, now); err != nil {
		return err
	}
	return record(ctx, tx, now, tenx.AuditEvent{Action: tenx.AuditUserPlanSet, ActorUserID: "stripe",
		TargetID: userID + ":" + string(c.Plan)})
}
