-- +goose Up
-- Handles get an immutable id, and what outlives a handle (its audit
-- events) is keyed by it, not by the name: a name deleted and taken again
-- is another handle, whose owner must not see the first one's trail.
-- SQLite adds a NOT NULL column only with a default; the unique index
-- keeps a row written without an id from passing unnoticed twice.
ALTER TABLE handles ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE handles SET id = 'hdl_' || lower(hex(randomblob(10)));
CREATE UNIQUE INDEX handles_id_idx ON handles (id);

-- An existing event belongs to the live handle of its name only if it is
-- no older than that handle; older ones were written for a deleted handle
-- of the same name and keep no id, so no handle ever lists them.
ALTER TABLE audit_events ADD COLUMN handle_id TEXT;
UPDATE audit_events SET handle_id = (SELECT h.id FROM handles h
    WHERE h.name = audit_events.handle AND audit_events.created_at >= h.created_at);
DROP INDEX audit_events_handle_created_at_idx;
CREATE INDEX audit_events_handle_id_created_at_idx ON audit_events (handle_id, created_at);

-- The one successor of a rotated token, set once, by the rotation.
ALTER TABLE tokens ADD COLUMN replaced_by TEXT;
