-- +goose Up
-- Creator pages (Markdown, published at /p/{handle}/{slug}) and the
-- profile of each handle that set one, with its site mode.

-- Slugs are case-sensitive, as link slugs are.
CREATE TABLE pages (
    handle       TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    access_mode  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED')),
    published_at INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (handle, slug)
) STRICT;

-- A handle without a row has the default profile (see tenx.ProfileService).
CREATE TABLE profiles (
    handle       TEXT PRIMARY KEY REFERENCES handles (name) ON DELETE CASCADE,
    display_name TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    avatar_url   TEXT NOT NULL DEFAULT '',
    theme        TEXT NOT NULL DEFAULT 'AUTO',
    site_mode    TEXT NOT NULL CHECK (site_mode IN ('PROFILE', 'SITE')),
    updated_at   INTEGER NOT NULL
) STRICT;
