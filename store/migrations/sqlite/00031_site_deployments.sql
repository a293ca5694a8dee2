-- +goose Up
-- Site deployments and their files. At most one deployment of a handle is
-- ACTIVE: the live site. PURGING ones are hidden until their objects are
-- removed.

CREATE TABLE site_deployments (
    id             TEXT PRIMARY KEY,
    handle         TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('PENDING_UPLOAD', 'ACTIVE', 'INACTIVE', 'PURGING')),
    commit_message TEXT NOT NULL DEFAULT '',
    file_count     INTEGER NOT NULL,
    total_bytes    INTEGER NOT NULL,
    upload_expires_at INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    activated_at   INTEGER
) STRICT;

CREATE INDEX site_deployments_handle_created_at_idx ON site_deployments (handle, created_at);
CREATE UNIQUE INDEX site_deployments_one_active_idx ON site_deployments (handle) WHERE status = 'ACTIVE';

CREATE TABLE site_deployment_files (
    deployment_id TEXT NOT NULL REFERENCES site_deployments (id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    uploaded      INTEGER NOT NULL CHECK (uploaded IN (0, 1)),
    upload_id     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (deployment_id, path)
) STRICT;
