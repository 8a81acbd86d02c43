-- Scheduled deactivation: at most one row per client. While `failure` is
-- NULL the row is a pending schedule, due from `due_at` (00:00 UTC of
-- `on_date`, in milliseconds); once R1 refused it when it fell due,
-- `failure` holds the refusal and the row is only shown, never run.
-- `scheduled_by*` is the admin who scheduled it: the run is theirs in the
-- activity log.
CREATE TABLE deactivation_schedules (
    client_id         INTEGER PRIMARY KEY REFERENCES clients(id),
    on_date           TEXT NOT NULL,
    due_at            INTEGER NOT NULL,
    new_owner_id      INTEGER REFERENCES users(id),
    reason            TEXT,
    scheduled_by_id   INTEGER NOT NULL REFERENCES staff(id),
    scheduled_by_name TEXT NOT NULL,
    failure           TEXT
);

CREATE INDEX deactivation_schedules_due ON deactivation_schedules (due_at)
    WHERE failure IS NULL;
