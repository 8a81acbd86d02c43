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
-- Every practice has both rows, so a change of status takes them with one
-- UPDATE, in the same order in every transaction: a deactivation and a
-- reactivation at once wait for each other instead of deadlocking.
CREATE TABLE client_counts (
    practice_id BIGINT NOT NULL REFERENCES practice(id),
    status      TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    count       BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (practice_id, status)
);
INSERT INTO client_counts (practice_id, status, count)
    SELECT p.id, s.status,
           (SELECT COUNT(*) FROM clients c WHERE c.practice_id = p.id AND c.status = s.status)
    FROM practice p CROSS JOIN (VALUES ('active'), ('deactivated')) AS s (status);

CREATE FUNCTION client_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    practice BIGINT := COALESCE(NEW.practice_id, OLD.practice_id);
BEGIN
    INSERT INTO client_counts (practice_id, status, count)
        VALUES (practice, 'active', 0), (practice, 'deactivated', 0)
        ON CONFLICT (practice_id, status) DO NOTHING;
    IF TG_OP = 'INSERT' THEN
        UPDATE client_counts SET count = count + 1
            WHERE practice_id = practice AND status = NEW.status;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE client_counts SET count = count - 1
            WHERE practice_id = practice AND status = OLD.status;
    ELSE
        UPDATE client_counts
            SET count = count + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
            WHERE practice_id = practice AND status IN (OLD.status, NEW.status);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER client_counts_insert_delete AFTER INSERT OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION client_counts_follow();
-- A client never moves to another practice; only its status moves it.
CREATE TRIGGER client_counts_update AFTER UPDATE OF status ON clients
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION client_counts_follow();
