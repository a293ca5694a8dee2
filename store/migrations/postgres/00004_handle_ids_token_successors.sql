-- +goose Up
-- Handles get an immutable id, and what outlives a handle (its audit
-- events) is keyed by it, not by the name: a name deleted and taken again
-- is another handle, whose owner must not see the first one's trail.
ALTER TABLE handles ADD COLUMN id TEXT COLLATE "C";
UPDATE handles SET id = 'hdl_' || substr(md5(random()::text || clock_timestamp()::text || name), 1, 20);
ALTER TABLE handles ALTER COLUMN id SET NOT NULL;
ALTER TABLE handles ADD CONSTRAINT handles_id_key UNIQUE (id);

-- An existing event belongs to the live handle of its name only if it is
-- no older than that handle; older ones were written for a deleted handle
-- of the same name and keep no id, so no handle ever lists them.
ALTER TABLE audit_events ADD COLUMN handle_id TEXT COLLATE "C";
UPDATE audit_events SET handle_id = h.id FROM handles h
    WHERE audit_events.handle = h.name AND audit_events.created_at >= h.created_at;
DROP INDEX audit_events_handle_created_at_idx;
CREATE INDEX audit_events_handle_id_created_at_idx ON audit_events (handle_id, created_at);

-- The one successor of a rotated token, set once, by the rotation.
ALTER TABLE tokens ADD COLUMN replaced_by TEXT COLLATE "C";
