-- +goose Up
-- Custom domains of accounts, and what platform administrators decided
-- about users and handles. Kept in tables of their own so that the rows of
-- users and handles stay as they are.

-- A user claims a domain with a row here; many users may claim one name
-- while it is PENDING (so nobody can squat on it), but only one may have
-- it ACTIVE: the one who published the TXT record.
CREATE TABLE account_domains (
    name           TEXT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE')),
    default_handle TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    path_rules     TEXT NOT NULL DEFAULT '[]', -- a JSON array of {pathPrefix, handle, priority}
    txt_value      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    checked_at     INTEGER,
    verified_at    INTEGER,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, name)
) STRICT;

CREATE UNIQUE INDEX account_domains_active_idx ON account_domains (name) WHERE status = 'ACTIVE';

-- A disabled user has a row here; enabling deletes it.
CREATE TABLE disabled_users (
    user_id     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    disabled_at INTEGER NOT NULL
) STRICT;

-- A suspended handle has a row here; lifting the suspension deletes it.
CREATE TABLE suspended_handles (
    handle       TEXT PRIMARY KEY REFERENCES handles (name) ON DELETE CASCADE,
    suspended_at INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_events_action_created_at_idx ON audit_events (action, created_at);
