-- Each activity entry of a change keeps the client version the change
-- made, so that a change refused as stale can say who made the first
-- change after the version it was made against. Entries from before, and
-- those that make no version (imports, "Extract now"), have none.
ALTER TABLE activity ADD COLUMN version INTEGER;
