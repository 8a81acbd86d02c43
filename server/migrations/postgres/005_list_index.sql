-- The client list at any size (issue 13), as in SQLite's migration 010:
-- search, sort, paging and counts from indexes, never a scan of the
-- practice's clients.
--
-- Each client keeps its name folded for sorting and its name and code
-- folded for searching, made by `core::search` (Unicode case folding, the
-- same as the app's) whenever the client is written; the server fills them
-- in for clients stored before this migration. Byte order ("C"), as SQLite
-- compares them.
ALTER TABLE clients ADD COLUMN sort_name TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN search_text TEXT COLLATE "C" NOT NULL DEFAULT '';

-- Keyset paging: a page starts after the last row of the one before, by
-- (sort key, id), so page 900 costs what page 1 costs.
CREATE INDEX clients_by_practice_status_sort_name ON clients (practice_id, status, sort_name, id);
CREATE INDEX clients_by_practice_status_updated_id ON clients (practice_id, status, updated_at, id);

-- Search: a trigram index answers LIKE '%part%' for parts of three
-- characters or more. pg_trgm ships with PostgreSQL and is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX clients_search_trigram ON clients USING gin (search_text gin_trgm_ops);

-- How many clients each practice has in each tab, kept in the same
-- transaction as every write to clients, so the tabs' counts never scan.
CREATE TABLE client_counts (
    practice_id BIGINT NOT NULL REFERENCES practice(id),
    status      TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    count       BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (practice_id, status)
);
INSERT INTO client_counts (practice_id, status, count)
    SELECT practice_id, status, COUNT(*) FROM clients GROUP BY practice_id, status;

CREATE FUNCTION client_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE client_counts SET count = count - 1
            WHERE practice_id = OLD.practice_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO client_counts (practice_id, status, count)
            VALUES (NEW.practice_id, NEW.status, 1)
            ON CONFLICT (practice_id, status)
            DO UPDATE SET count = client_counts.count + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER client_counts_insert_delete AFTER INSERT OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION client_counts_follow();
CREATE TRIGGER client_counts_update AFTER UPDATE OF status, practice_id ON clients
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.practice_id IS DISTINCT FROM NEW.practice_id)
    EXECUTE FUNCTION client_counts_follow();
