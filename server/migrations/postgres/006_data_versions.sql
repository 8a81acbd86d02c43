-- The read cache (issue 13), as in SQLite's migration 011: each practice's
-- data version, which every change to what its client list shows moves
-- on, in the same transaction as the change. An instance keeps serialised
-- list pages keyed by the version it read them at, and serves one again
-- only while the version is the same; the version lives here so that every
-- instance sees every other's changes.
--
-- Rows are never deleted, so a practice's version only ever grows; a
-- practice without a row is at version 0.
CREATE TABLE practice_data_versions (
    practice_id BIGINT PRIMARY KEY,
    version     BIGINT NOT NULL,
    -- The transaction that last moved it on: one move per transaction is
    -- enough, however many rows it changes (an import, a seed).
    moved_by    xid8 NOT NULL
);

CREATE FUNCTION practice_data_versions_move(practices BIGINT[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO practice_data_versions AS v (practice_id, version, moved_by)
        SELECT DISTINCT practice, 1, pg_current_xact_id()
        FROM unnest(practices) AS practice WHERE practice IS NOT NULL
        ON CONFLICT (practice_id) DO UPDATE
            SET version = v.version + 1, moved_by = excluded.moved_by
            WHERE v.moved_by IS DISTINCT FROM excluded.moved_by
$$;

-- Rows that name their practice (clients, client_counts).
CREATE FUNCTION practice_data_versions_follow_practice_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM practice_data_versions_move(ARRAY[NEW.practice_id, OLD.practice_id]);
    RETURN NULL;
END
$$;

-- The practice itself.
CREATE FUNCTION practice_data_versions_follow_practice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM practice_data_versions_move(ARRAY[NEW.id, OLD.id]);
    RETURN NULL;
END
$$;

-- Rows that name their practice through their client (users, businesses,
-- deactivation_schedules). A client is never deleted before them, and its
-- own deletion moves the version on.
CREATE FUNCTION practice_data_versions_follow_client_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM practice_data_versions_move(ARRAY(
        SELECT practice_id FROM clients WHERE id IN (NEW.client_id, OLD.client_id)
    ));
    RETURN NULL;
END
$$;

-- Deferred to the commit, so that the version's row is the last lock
-- every writing transaction takes: taken mid-transaction, it could be
-- taken before client_counts by one transaction and after it by another,
-- and the two would deadlock. It is also held for less time.
CREATE CONSTRAINT TRIGGER practice_data_versions_practice
    AFTER UPDATE ON practice DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_practice();
CREATE CONSTRAINT TRIGGER practice_data_versions_clients
    AFTER INSERT OR UPDATE OR DELETE ON clients DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_practice_id();
CREATE CONSTRAINT TRIGGER practice_data_versions_client_counts
    AFTER INSERT OR UPDATE OR DELETE ON client_counts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_practice_id();
CREATE CONSTRAINT TRIGGER practice_data_versions_users
    AFTER INSERT OR UPDATE OR DELETE ON users DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_client_id();
CREATE CONSTRAINT TRIGGER practice_data_versions_businesses
    AFTER INSERT OR UPDATE OR DELETE ON businesses DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_client_id();
CREATE CONSTRAINT TRIGGER practice_data_versions_schedules
    AFTER INSERT OR UPDATE OR DELETE ON deactivation_schedules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION practice_data_versions_follow_client_id();
