-- Extraction really happens now: documents move queued -> extracting ->
-- extracted or failed (with why), are tried up to three times, and what was
-- read is kept in `extractions`. SQLite cannot change a CHECK, so the
-- documents table is rebuilt with the new states.
CREATE TABLE documents_new (
    id              INTEGER PRIMARY KEY,
    business_id     INTEGER NOT NULL REFERENCES businesses(id),
    file_name       TEXT NOT NULL,
    added_at        INTEGER NOT NULL,
    added_by        TEXT NOT NULL,
    extraction      TEXT NOT NULL CHECK (extraction IN
                        ('queued', 'extracting', 'extracted', 'failed', 'not_extracted')),
    reason          TEXT CHECK (reason IN ('client_deactivated', 'business_deactivated')),
    size_bytes      INTEGER,
    content_type    TEXT,
    sha256          TEXT,
    -- How many times a worker has started reading it.
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Not to be picked up again before this time, after a failed read.
    next_attempt_at INTEGER,
    -- Why the last read failed.
    failure         TEXT,
    CHECK ((extraction = 'not_extracted') = (reason IS NOT NULL))
);
INSERT INTO documents_new (id, business_id, file_name, added_at, added_by, extraction, reason,
                           size_bytes, content_type, sha256)
    SELECT id, business_id, file_name, added_at, added_by, extraction, reason,
           size_bytes, content_type, sha256
    FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_by_business ON documents (business_id, added_at);
CREATE INDEX documents_by_file ON documents (sha256);
-- The worker takes the oldest queued document first.
CREATE INDEX documents_to_extract ON documents (extraction, added_at, id);

CREATE TABLE extractions (
    document_id         INTEGER PRIMARY KEY REFERENCES documents(id),
    supplier            TEXT,
    supplier_confidence INTEGER,
    date                TEXT,
    date_confidence     INTEGER,
    total               TEXT,
    total_confidence    INTEGER,
    currency            TEXT,
    currency_confidence INTEGER,
    raw_text            TEXT NOT NULL,
    extracted_at        INTEGER NOT NULL
);
