-- The read cache (issue 13): each practice's data version, which every
-- change to what its client list shows moves on, in the same transaction as
-- the change. A server keeps serialised list pages keyed by the version it
-- read them at, and serves one again only while the version is the same.
-- It lives here, not in a server's memory, so that servers sharing one
-- database see each other's changes.
--
-- Rows are never deleted, so a practice's version only ever grows; a
-- practice without a row is at version 0.
CREATE TABLE practice_data_versions (
    practice_id INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL
) WITHOUT ROWID;

-- Everything the list reads: the clients (and the counts and search index
-- kept from them), their owners' names (users), how many businesses each
-- has, their scheduled deactivations; and the practice itself. Users,
-- businesses and schedules name their practice through their client, which
-- is never deleted before them.
CREATE TRIGGER practice_data_versions_practice AFTER UPDATE ON practice BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (new.id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER practice_data_versions_clients_insert AFTER INSERT ON clients BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (new.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_clients_update AFTER UPDATE ON clients BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (new.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT old.practice_id, 1 WHERE old.practice_id IS NOT new.practice_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_clients_delete AFTER DELETE ON clients BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (old.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER practice_data_versions_users_insert AFTER INSERT ON users BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_users_update AFTER UPDATE ON users BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT DISTINCT practice_id, 1 FROM clients WHERE id IN (old.client_id, new.client_id)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_users_delete AFTER DELETE ON users BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER practice_data_versions_businesses_insert AFTER INSERT ON businesses BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_businesses_update AFTER UPDATE ON businesses BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT DISTINCT practice_id, 1 FROM clients WHERE id IN (old.client_id, new.client_id)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_businesses_delete AFTER DELETE ON businesses BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER practice_data_versions_schedules_insert AFTER INSERT ON deactivation_schedules
BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_schedules_update AFTER UPDATE ON deactivation_schedules
BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT DISTINCT practice_id, 1 FROM clients WHERE id IN (old.client_id, new.client_id)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_schedules_delete AFTER DELETE ON deactivation_schedules
BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER practice_data_versions_counts_insert AFTER INSERT ON client_counts BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (new.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_counts_update AFTER UPDATE ON client_counts BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (new.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT old.practice_id, 1 WHERE old.practice_id IS NOT new.practice_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_counts_delete AFTER DELETE ON client_counts BEGIN
    INSERT INTO practice_data_versions (practice_id, version) VALUES (old.practice_id, 1)
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
