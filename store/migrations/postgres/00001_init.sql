-- +goose Up
-- Timestamps are unix milliseconds (BIGINT) so both dialects store and
-- compare them the same way.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    hash       BYTEA PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

CREATE TABLE handles (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE handle_members (
    handle     TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('CREATOR', 'OPERATOR', 'OWNER')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (handle, user_id)
);

CREATE INDEX handle_members_user_id_idx ON handle_members (user_id);

-- A handle has at most one OWNER.
CREATE UNIQUE INDEX handle_members_owner_idx ON handle_members (handle) WHERE role = 'OWNER';

CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    private_key BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
