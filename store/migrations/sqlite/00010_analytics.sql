-- +goose Up
-- Click analytics: raw click events, their hourly and daily rollups, the
-- visitors seen per day (for unique counts), conversions, the daily visitor
-- salts and the server secrets; and the attribution flag of links.

ALTER TABLE links ADD COLUMN attribution INTEGER NOT NULL DEFAULT 0 CHECK (attribution IN (0, 1));

-- Raw events carry no foreign keys: they outlive a deleted link, and are
-- pruned after TENX_CLICK_RETENTION_DAYS. No raw IP is stored: visitor_hash
-- is a hash of IP and user agent with a salt that is deleted after two days.
CREATE TABLE clicks (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL,
    slug         TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,
    destination  TEXT NOT NULL,
    referrer     TEXT NOT NULL,
    device       TEXT NOT NULL,
    browser      TEXT NOT NULL,
    os           TEXT NOT NULL,
    country      TEXT NOT NULL,
    visitor_hash TEXT NOT NULL,
    bot          INTEGER NOT NULL CHECK (bot IN (0, 1))
) STRICT;

CREATE INDEX clicks_handle_occurred_at_idx ON clicks (handle, occurred_at, id);
CREATE INDEX clicks_occurred_at_idx ON clicks (occurred_at);

-- slug '' is the whole handle; dimension is total (value ''), country,
-- device, browser, os or referrer; bucket is the hour's or day's start in
-- unix milliseconds (UTC). visitors counts the clicks that were a visitor's
-- first of the day in that scope.
CREATE TABLE click_rollups_hourly (
    handle     TEXT NOT NULL,
    slug       TEXT NOT NULL,
    dimension  TEXT NOT NULL,
    bucket     INTEGER NOT NULL,
    value      TEXT NOT NULL,
    clicks     INTEGER NOT NULL,
    bot_clicks INTEGER NOT NULL,
    visitors   INTEGER NOT NULL,
    PRIMARY KEY (handle, slug, dimension, bucket, value)
) STRICT, WITHOUT ROWID;

CREATE TABLE click_rollups_daily (
    handle     TEXT NOT NULL,
    slug       TEXT NOT NULL,
    dimension  TEXT NOT NULL,
    bucket     INTEGER NOT NULL,
    value      TEXT NOT NULL,
    clicks     INTEGER NOT NULL,
    bot_clicks INTEGER NOT NULL,
    visitors   INTEGER NOT NULL,
    PRIMARY KEY (handle, slug, dimension, bucket, value)
) STRICT, WITHOUT ROWID;

-- The visitors of a day per scope (slug '' is the whole handle); kept two
-- days, like the salt their hashes were made with.
CREATE TABLE click_visitors (
    handle       TEXT NOT NULL,
    slug         TEXT NOT NULL,
    day          INTEGER NOT NULL,
    visitor_hash TEXT NOT NULL,
    PRIMARY KEY (handle, slug, day, visitor_hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE visitor_salts (
    day  INTEGER PRIMARY KEY,
    salt BLOB NOT NULL
) STRICT;

-- One conversion per (click, type); value in millionths of the currency.
CREATE TABLE conversions (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL,
    slug         TEXT NOT NULL,
    click_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    value_micros INTEGER,
    currency     TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (click_id, type)
) STRICT;

CREATE INDEX conversions_handle_created_at_idx ON conversions (handle, created_at);

-- Secrets the servers share, by name (e.g. the key that signs click ids).
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
