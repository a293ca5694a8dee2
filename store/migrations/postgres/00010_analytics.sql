-- +goose Up
-- Click analytics: raw click events, their hourly and daily rollups, the
-- visitors seen per day (for unique counts), conversions, the daily visitor
-- salts and the server secrets; and the attribution flag of links.

ALTER TABLE links ADD COLUMN attribution BOOLEAN NOT NULL DEFAULT FALSE;

-- Raw events carry no foreign keys: they outlive a deleted link, and are
-- pruned after TENX_CLICK_RETENTION_DAYS. No raw IP is stored: visitor_hash
-- is a hash of IP and user agent with a salt that is deleted after two days.
CREATE TABLE clicks (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL,
    slug         TEXT COLLATE "C" NOT NULL,
    occurred_at  BIGINT NOT NULL,
    destination  TEXT NOT NULL,
    referrer     TEXT NOT NULL,
    device       TEXT NOT NULL,
    browser      TEXT NOT NULL,
    os           TEXT NOT NULL,
    country      TEXT NOT NULL,
    visitor_hash TEXT NOT NULL,
    bot          BOOLEAN NOT NULL
);

CREATE INDEX clicks_handle_occurred_at_idx ON clicks (handle, occurred_at, id);
CREATE INDEX clicks_occurred_at_idx ON clicks (occurred_at);

-- slug '' is the whole handle; dimension is total (value ''), country,
-- device, browser, os or referrer; bucket is the hour's or day's start in
-- unix milliseconds (UTC). visitors counts the clicks that were a visitor's
-- first of the day in that scope.
CREATE TABLE click_rollups_hourly (
    handle     TEXT NOT NULL,
    slug       TEXT COLLATE "C" NOT NULL,
    dimension  TEXT NOT NULL,
    bucket     BIGINT NOT NULL,
    value      TEXT NOT NULL,
    clicks     BIGINT NOT NULL,
    bot_clicks BIGINT NOT NULL,
    visitors   BIGINT NOT NULL,
    PRIMARY KEY (handle, slug, dimension, bucket, value)
);

CREATE TABLE click_rollups_daily (
    handle     TEXT NOT NULL,
    slug       TEXT COLLATE "C" NOT NULL,
    dimension  TEXT NOT NULL,
    bucket     BIGINT NOT NULL,
    value      TEXT NOT NULL,
    clicks     BIGINT NOT NULL,
    bot_clicks BIGINT NOT NULL,
    visitors   BIGINT NOT NULL,
    PRIMARY KEY (handle, slug, dimension, bucket, value)
);

-- The visitors of a day per scope (slug '' is the whole handle); kept two
-- days, like the salt their hashes were made with.
CREATE TABLE click_visitors (
    handle       TEXT NOT NULL,
    slug         TEXT COLLATE "C" NOT NULL,
    day          BIGINT NOT NULL,
    visitor_hash TEXT NOT NULL,
    PRIMARY KEY (handle, slug, day, visitor_hash)
);

CREATE TABLE visitor_salts (
    day  BIGINT PRIMARY KEY,
    salt BYTEA NOT NULL
);

-- One conversion per (click, type); value in millionths of the currency.
CREATE TABLE conversions (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL,
    slug         TEXT COLLATE "C" NOT NULL,
    click_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    value_micros BIGINT,
    currency     TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (click_id, type)
);

CREATE INDEX conversions_handle_created_at_idx ON conversions (handle, created_at);

-- Secrets the servers share, by name (e.g. the key that signs click ids).
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
