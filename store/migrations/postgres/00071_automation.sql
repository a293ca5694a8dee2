-- +goose Up
-- Tracking templates, and the ones each link uses (compact JSON list of
-- template ids, sorted).

CREATE TABLE tracking_templates (
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    id           TEXT COLLATE "C" NOT NULL,
    template_key TEXT NOT NULL,
    name         TEXT NOT NULL,
    config       TEXT NOT NULL, -- compact JSON object of strings
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (handle, id)
);

ALTER TABLE links ADD COLUMN tracking_templates TEXT NOT NULL DEFAULT '[]';

-- Function bindings: named calls a handle offers to automation, each with
-- the PAT scope its invocation needs.
CREATE TABLE function_bindings (
    handle         TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    key            TEXT COLLATE "C" NOT NULL,
    description    TEXT NOT NULL,
    target_url     TEXT NOT NULL,
    required_scope TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (handle, key)
);

-- Usage counters: PAT requests and rate-limit refusals per token per UTC
-- day (day: the day's start in unix milliseconds); each instance adds its
-- counts every few seconds.
CREATE TABLE usage_counters (
    handle       TEXT NOT NULL,
    token_id     TEXT COLLATE "C" NOT NULL,
    day          BIGINT NOT NULL,
    requests     BIGINT NOT NULL,
    rate_limited BIGINT NOT NULL,
    PRIMARY KEY (handle, day, token_id)
);

-- Chain signals. chain_sessions and chain_ips are the rows a batch locks
-- (in this order) so that the limits hold under concurrency; ip_key is a
-- hash of the client IP, never the address.
CREATE TABLE chain_sessions (
    handle     TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    session_id TEXT COLLATE "C" NOT NULL,
    total      INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (handle, session_id)
);

CREATE TABLE chain_ips (
    ip_key     TEXT PRIMARY KEY,
    updated_at BIGINT NOT NULL
);

CREATE TABLE chain_signals (
    handle      TEXT NOT NULL,
    session_id  TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    type        TEXT NOT NULL,
    value       TEXT NOT NULL,
    ip_key      TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (handle, session_id, seq),
    FOREIGN KEY (handle, session_id) REFERENCES chain_sessions (handle, session_id) ON DELETE CASCADE
);

CREATE INDEX chain_signals_ip_idx ON chain_signals (ip_key, received_at);

-- Context origins: the browser origins a handle's public runtime routes
-- answer with CORS.
CREATE TABLE context_origins (
    handle TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    origin TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (handle, origin)
);

CREATE INDEX context_origins_origin_idx ON context_origins (origin);
