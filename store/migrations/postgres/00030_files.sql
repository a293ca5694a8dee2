-- +goose Up
-- Files, the signed uploads that fill files and deployment files, and the
-- key that signs upload, download and preview URLs.

CREATE TABLE files (
    id           TEXT COLLATE "C" PRIMARY KEY,
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    -- PENDING, READY, EXPIRED; DELETED rows are hidden until their object
    -- is removed.
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'READY', 'EXPIRED', 'DELETED')),
    upload_id    TEXT NOT NULL,
    upload_expires_at BIGINT NOT NULL,
    expires_at   BIGINT,
    created_at   BIGINT NOT NULL,
    uploaded_at  BIGINT
);

CREATE INDEX files_handle_created_at_idx ON files (handle, created_at);
CREATE INDEX files_status_idx ON files (status, expires_at);

-- An upload belongs to a file or to a file of a deployment. claimed_at is
-- set while a PUT runs; done_at once the object is stored.
CREATE TABLE uploads (
    id            TEXT COLLATE "C" PRIMARY KEY,
    handle        TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    object_key    TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    expires_at    BIGINT NOT NULL,
    file_id       TEXT,
    deployment_id TEXT,
    path          TEXT,
    claimed_at    BIGINT,
    done_at       BIGINT
);

CREATE INDEX uploads_file_id_idx ON uploads (file_id);
CREATE INDEX uploads_deployment_id_idx ON uploads (deployment_id);

CREATE TABLE url_signing_keys (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    secret     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
