-- "Extract now": the activity log says how many documents added while a
-- client was deactivated were queued for extraction at once.
ALTER TABLE activity ADD COLUMN document_count BIGINT;
