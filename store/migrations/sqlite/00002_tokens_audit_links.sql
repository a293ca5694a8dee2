-- +goose Up
-- Personal access tokens, audit events and links.

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL, -- a JSON array of strings
    secret_hash  BLOB NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER,
    last_used_ip TEXT
) STRICT;

CREATE INDEX tokens_handle_created_at_idx ON tokens (handle, created_at);

-- Audit events carry no foreign keys: they outlive the handles, users and
-- tokens they name. handle is NULL for events of a user, such as logins.
CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    handle         TEXT,
    action         TEXT NOT NULL,
    actor_user_id  TEXT NOT NULL DEFAULT '',
    actor_token_id TEXT NOT NULL DEFAULT '',
    target_id      TEXT NOT NULL DEFAULT '',
    ip             TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_events_handle_created_at_idx ON audit_events (handle, created_at);

-- Slugs are case-sensitive: "Promo" and "promo" are two links.
CREATE TABLE links (
    handle             TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    slug               TEXT NOT NULL,
    destination_url    TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    enabled            INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    redirect_type      INTEGER NOT NULL CHECK (redirect_type IN (302, 307)),
    scheduled_start_at INTEGER,
    scheduled_end_at   INTEGER,
    expires_at         INTEGER,
    max_clicks         INTEGER,
    click_count        INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (handle, slug)
) STRICT;

CREATE TABLE link_tags (
    handle TEXT NOT NULL,
    slug   TEXT NOT NULL,
    tag    TEXT NOT NULL,
    PRIMARY KEY (handle, slug, tag),
    FOREIGN KEY (handle, slug) REFERENCES links (handle, slug) ON DELETE CASCADE
) STRICT;
