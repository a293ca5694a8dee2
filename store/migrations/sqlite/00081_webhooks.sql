-- +goose Up
-- Webhooks (issue 10): the outbox of events, each written in the
-- transaction of the change it tells of, the subscriptions of a handle,
-- and one delivery per (event, subscription) with the log of its
-- attempts. The delivery jobs themselves live in River's tables (00020).

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    handle      TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL, -- a JSON object
    occurred_at INTEGER NOT NULL
) STRICT;

CREATE INDEX events_handle_occurred_at_idx ON events (handle, occurred_at);

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,
    handle          TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    endpoint_url    TEXT NOT NULL,
    -- ",type,type," so that one LIKE finds the subscriptions of a type.
    event_types     TEXT NOT NULL,
    description     TEXT NOT NULL,
    secret          TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    disabled_reason TEXT NOT NULL,
    -- when the current run of failed attempts began; NULL after a success
    failing_since   INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX webhooks_handle_created_at_idx ON webhooks (handle, created_at);

CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    webhook_id    TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    -- attempts logged so far, and how many of them came before this run
    attempts      INTEGER NOT NULL,
    run_start     INTEGER NOT NULL,
    next_retry_at INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_deliveries_webhook_created_at_idx ON webhook_deliveries (webhook_id, created_at);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    status_code INTEGER NOT NULL, -- 0: no response
    duration_ms INTEGER NOT NULL,
    error       TEXT NOT NULL,
    response    TEXT NOT NULL,
    retry_at    INTEGER, -- when the next attempt was scheduled; NULL: none
    PRIMARY KEY (delivery_id, attempt)
) STRICT;
