-- +goose Up
-- Smart routing: a link's routing rules (compact JSON, in the order they
-- are tried), the handle's personalization rules, and the rule and
-- variant that chose each click's destination ('' when none did).

ALTER TABLE links ADD COLUMN routing_rules TEXT NOT NULL DEFAULT '[]';

ALTER TABLE clicks ADD COLUMN rule_id TEXT NOT NULL DEFAULT '';
ALTER TABLE clicks ADD COLUMN variant_id TEXT NOT NULL DEFAULT '';

CREATE TABLE personalization_rules (
    handle          TEXT NOT NULL REFERENCES handles (name) ON DELETE CASCADE,
    rule_id         TEXT NOT NULL,
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    priority        INTEGER NOT NULL,
    conditions      TEXT NOT NULL, -- compact JSON of the when object
    variant_id      TEXT NOT NULL,
    destination_url TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (handle, rule_id)
) STRICT;

CREATE INDEX personalization_rules_order_idx ON personalization_rules (handle, priority, rule_id);
