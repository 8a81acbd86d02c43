-- The client list at any size (issue 13): the server answers search, sort,
-- paging and counts from indexes, never by scanning a practice's clients.
--
-- Each client keeps its name folded for sorting and its name and code
-- folded for searching, made by `core::search` (Unicode case folding, the
-- same as the app's) whenever the client is written; the server fills them
-- in for clients stored before this migration.
ALTER TABLE clients ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- Keyset paging: a page starts after the last row of the one before, by
-- (sort key, id), so page 900 costs what page 1 costs.
CREATE INDEX clients_by_practice_status_sort_name
    ON clients (practice_id, status, sort_name, id);
CREATE INDEX clients_by_practice_status_updated_id
    ON clients (practice_id, status, updated_at, id);

-- Search: a trigram index finds every client whose search text contains a
-- search of three characters or more.
CREATE VIRTUAL TABLE clients_search USING fts5(
    search_text, content = 'clients', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
    INSERT INTO clients_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- A client without search text yet (stored before this migration) was
-- never indexed, and FTS5 must not be asked to delete what it never held.
CREATE TRIGGER clients_search_update AFTER UPDATE OF search_text ON clients
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO clients_search (clients_search, rowid, search_text)
        SELECT 'delete', old.id, old.search_text WHERE old.search_text <> '';
    INSERT INTO clients_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
    INSERT INTO clients_search (clients_search, rowid, search_text)
        SELECT 'delete', old.id, old.search_text WHERE old.search_text <> '';
END;

-- How many clients each practice has in each tab, kept in the same
-- transaction as every write to clients, so the tabs' counts never scan.
CREATE TABLE client_counts (
    practice_id INTEGER NOT NULL REFERENCES practice(id),
    status      TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    count       INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (practice_id, status)
) WITHOUT ROWID;
INSERT INTO client_counts (practice_id, status, count)
    SELECT practice_id, status, COUNT(*) FROM clients GROUP BY practice_id, status;
CREATE TRIGGER client_counts_insert AFTER INSERT ON clients BEGIN
    INSERT INTO client_counts (practice_id, status, count) VALUES (new.practice_id, new.status, 1)
        ON CONFLICT (practice_id, status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER client_counts_update AFTER UPDATE OF status, practice_id ON clients
WHEN old.status IS NOT new.status OR old.practice_id IS NOT new.practice_id BEGIN
    UPDATE client_counts SET count = count - 1
        WHERE practice_id = old.practice_id AND status = old.status;
    INSERT INTO client_counts (practice_id, status, count) VALUES (new.practice_id, new.status, 1)
        ON CONFLICT (practice_id, status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER client_counts_delete AFTER DELETE ON clients BEGIN
    UPDATE client_counts SET count = count - 1
        WHERE practice_id = old.practice_id AND status = old.status;
END;
