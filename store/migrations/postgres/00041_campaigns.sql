-- +goose Up
-- Campaigns and the numbered versions of their site structures.
-- latest_version is the compare-and-swap point of optimistic concurrency:
-- a new version is stored only by the UPDATE that moves it from the
-- version the writer read (If-Match).

CREATE TABLE campaigns (
    handle            TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    id                TEXT COLLATE "C" NOT NULL,
    goal_type         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED')),
    primary_slug      TEXT NOT NULL DEFAULT '',
    latest_version    INTEGER NOT NULL DEFAULT 0,
    published_version INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (handle, id)
);

CREATE TABLE site_structures (
    handle      TEXT NOT NULL,
    campaign_id TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    document    TEXT NOT NULL, -- compact JSON
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (handle, campaign_id, version),
    FOREIGN KEY (handle, campaign_id) REFERENCES campaigns (handle, id) ON DELETE CASCADE
);
