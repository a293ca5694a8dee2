-- +goose Up
-- Timestamps are unix milliseconds (INTEGER) so both dialects store and
-- compare them the same way. STRICT tables reject values of the wrong type.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    hash       BLOB PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE handles (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE handle_members (
    handle     TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('CREATOR', 'OPERATOR', 'OWNER')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (handle, user_id)
) STRICT;

CREATE INDEX handle_members_user_id_idx ON handle_members (user_id);

-- A handle has at most one OWNER.
CREATE UNIQUE INDEX handle_members_owner_idx ON handle_members (handle) WHERE role = 'OWNER';

CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    private_key BLOB NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
