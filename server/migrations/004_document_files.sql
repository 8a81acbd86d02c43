-- Documents are real files now: each row names its stored file by the
-- SHA-256 of its bytes (files are kept content-addressed, so identical files
-- are stored once), with its size and media type. Rows from before files
-- were kept have none.
ALTER TABLE documents ADD COLUMN size_bytes INTEGER;
ALTER TABLE documents ADD COLUMN content_type TEXT;
ALTER TABLE documents ADD COLUMN sha256 TEXT;
CREATE INDEX documents_by_file ON documents (sha256);
