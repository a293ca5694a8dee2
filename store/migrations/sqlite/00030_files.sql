-- +goose Up
-- Files, the signed uploads that fill files and deployment files, and the
-- key that signs upload, download and preview URLs.

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    -- PENDING, READY, EXPIRED; DELETED rows are hidden until their object
    -- is removed.
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'READY', 'EXPIRED', 'DELETED')),
    upload_id    TEXT NOT NULL,
    upload_expires_at INTEGER NOT NULL,
    expires_at   INTEGER,
    created_at   INTEGER NOT NULL,
    uploaded_at  INTEGER
) STRICT;

CREATE INDEX files_handle_created_at_idx ON files (handle, created_at);
CREATE INDEX files_status_idx ON files (status, expires_at);

-- An upload belongs to a file or to a file of a deployment. claimed_at is
-- set while a PUT runs; done_at once the object is stored.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    handle        TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    object_key    TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    file_id       TEXT,
    deployment_id TEXT,
    path          TEXT,
    claimed_at    INTEGER,
    done_at       INTEGER
) STRICT;

CREATE INDEX uploads_file_id_idx ON uploads (file_id);
CREATE INDEX uploads_deployment_id_idx ON uploads (deployment_id);

CREATE TABLE url_signing_keys (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
