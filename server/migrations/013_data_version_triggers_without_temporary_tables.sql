-- The data-version triggers of 011 on users, businesses and scheduled
-- deactivations, made cheaper (issue 13). Each found the practices of a
-- row's old and new client with `WHERE id IN (old.client_id,
-- new.client_id)` and `SELECT DISTINCT`, for which SQLite builds and frees
-- two temporary b-trees, on every row updated; a deactivation updates every
-- business of its client. A profile of writes at 8 connections put about a
-- quarter of the time SQLite spent running a change's statements in making
-- and freeing them.
--
-- Now one trigger moves on the version of the practice of the row's client,
-- by its id alone, and another, only when a row moves to another client,
-- that of the old client's practice. A move within one practice then moves
-- its version on twice: a version only has to move on.
DROP TRIGGER practice_data_versions_users_update;
CREATE TRIGGER practice_data_versions_users_update AFTER UPDATE ON users BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_users_moved AFTER UPDATE OF client_id ON users
WHEN old.client_id IS NOT new.client_id BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

DROP TRIGGER practice_data_versions_businesses_update;
CREATE TRIGGER practice_data_versions_businesses_update AFTER UPDATE ON businesses BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_businesses_moved AFTER UPDATE OF client_id ON businesses
WHEN old.client_id IS NOT new.client_id BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;

DROP TRIGGER practice_data_versions_schedules_update;
CREATE TRIGGER practice_data_versions_schedules_update AFTER UPDATE ON deactivation_schedules
BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = new.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_data_versions_schedules_moved AFTER UPDATE OF client_id
ON deactivation_schedules WHEN old.client_id IS NOT new.client_id BEGIN
    INSERT INTO practice_data_versions (practice_id, version)
        SELECT practice_id, 1 FROM clients WHERE id = old.client_id
        ON CONFLICT (practice_id) DO UPDATE SET version = version + 1;
END;
