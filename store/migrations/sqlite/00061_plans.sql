-- +goose Up
-- Plans: each user's plan (FREE without a row), the Stripe events already
-- applied (so a redelivered event changes nothing), and the daily write
-- counts of the write quota.

CREATE TABLE user_plans (
    user_id            TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    plan               TEXT NOT NULL CHECK (plan IN ('FREE', 'PRO', 'ENTERPRISE')),
    stripe_customer_id TEXT,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX user_plans_customer_idx ON user_plans (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;

CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;

CREATE TABLE write_usage (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day     TEXT NOT NULL, -- YYYY-MM-DD, UTC
    writes  INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT;
