-- Identity: the practice's staff, the credentials of everyone who signs in
-- (staff and client users), sessions kept server-side, and failed sign-ins
-- for throttling. Clients already belong to a practice (practice_id).
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practice(id),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('practice_admin', 'staff'))
);
CREATE INDEX staff_by_practice ON staff (practice_id);

-- One row per person who can sign in, keyed by their normalised email, so an
-- email names exactly one login. Exactly one of staff_id and user_id is set.
CREATE TABLE credentials (
    email         TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    staff_id      INTEGER UNIQUE REFERENCES staff(id),
    user_id       INTEGER UNIQUE REFERENCES users(id),
    CHECK ((staff_id IS NULL) <> (user_id IS NULL))
);

-- A session is known only by the SHA-256 of its id: the id itself lives in
-- the person's cookie and nowhere else.
CREATE TABLE sessions (
    id_hash      BLOB PRIMARY KEY,
    csrf_token   TEXT NOT NULL,
    staff_id     INTEGER REFERENCES staff(id),
    user_id      INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    CHECK ((staff_id IS NULL) <> (user_id IS NULL))
);

CREATE TABLE sign_in_failures (
    email TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);

-- Who made each change: the staff member's id beside their name.
ALTER TABLE activity ADD COLUMN actor_id INTEGER;

-- The client list is always one practice's.
CREATE INDEX clients_by_practice_status_name ON clients (practice_id, status, name COLLATE NOCASE);
CREATE INDEX clients_by_practice_status_update ON clients (practice_id, status, updated_at);

-- Idempotency keys are scoped to the person who sent them: the same key from
-- two people is two requests. Answers stored before sign-in existed belonged
-- to nobody, so they are not carried over.
DROP TABLE idempotency;
CREATE TABLE idempotency (
    owner      TEXT NOT NULL,
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
);
