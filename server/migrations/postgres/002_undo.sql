-- Exact undo: each change's recorded event (`core`'s Event as JSON), with
-- the version of the client it produced and when, so a deactivation or
-- reactivation can be undone exactly (core::undo) while the client is still
-- at that version.
CREATE TABLE recorded_changes (
    client_id BIGINT NOT NULL REFERENCES clients(id),
    version   BIGINT NOT NULL,
    event     TEXT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (client_id, version)
);
