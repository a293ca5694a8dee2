-- +goose Up
-- Personal access tokens, audit events and links. Identifiers that lists are
-- ordered or paged by use the "C" collation, so that order is byte order
-- whatever the database's default collation, as in SQLite.

CREATE TABLE tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL, -- a JSON array of strings
    secret_hash  BYTEA NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    last_used_ip TEXT
);

CREATE INDEX tokens_handle_created_at_idx ON tokens (handle, created_at);

-- Audit events carry no foreign keys: they outlive the handles, users and
-- tokens they name. handle is NULL for events of a user, such as logins.
CREATE TABLE audit_events (
    id             TEXT COLLATE "C" PRIMARY KEY,
    handle         TEXT,
    action         TEXT NOT NULL,
    actor_user_id  TEXT NOT NULL DEFAULT '',
    actor_token_id TEXT NOT NULL DEFAULT '',
    target_id      TEXT NOT NULL DEFAULT '',
    ip             TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);

CREATE INDEX audit_events_handle_created_at_idx ON audit_events (handle, created_at);

-- Slugs are case-sensitive: "Promo" and "promo" are two links.
CREATE TABLE links (
    handle             TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    slug               TEXT COLLATE "C" NOT NULL,
    destination_url    TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    enabled            BOOLEAN NOT NULL,
    redirect_type      INTEGER NOT NULL CHECK (redirect_type IN (302, 307)),
    scheduled_start_at BIGINT,
    scheduled_end_at   BIGINT,
    expires_at         BIGINT,
    max_clicks         BIGINT,
    click_count        BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (handle, slug)
);

CREATE TABLE link_tags (
    handle TEXT NOT NULL,
    slug   TEXT COLLATE "C" NOT NULL,
    tag    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (handle, slug, tag),
    FOREIGN KEY (handle, slug) REFERENCES links (handle, slug) ON DELETE CASCADE
);
