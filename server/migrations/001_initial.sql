-- The first schema: a practice, its Solo clients with their users and
-- businesses, documents, the activity log and stored idempotent answers.
CREATE TABLE practice (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE clients (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practice(id),
    name        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    -- A user of this client; not a foreign key because users reference
    -- clients, and the pair is written together in one transaction.
    owner_id    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX clients_by_status_and_name ON clients (status, name COLLATE NOCASE);
CREATE INDEX clients_by_status_and_update ON clients (status, updated_at);

CREATE TABLE users (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    name      TEXT NOT NULL,
    email     TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('admin', 'standard'))
);
CREATE INDEX users_by_client ON users (client_id);

CREATE TABLE businesses (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    name      TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
    owner_id  INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX businesses_by_client ON businesses (client_id);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    file_name   TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    added_by    TEXT NOT NULL,
    extraction  TEXT NOT NULL CHECK (extraction IN ('queued', 'extracted', 'not_extracted')),
    reason      TEXT CHECK (reason IN ('client_deactivated', 'business_deactivated')),
    CHECK ((extraction = 'not_extracted') = (reason IS NOT NULL))
);
CREATE INDEX documents_by_business ON documents (business_id, added_at);

CREATE TABLE activity (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    business_id  INTEGER REFERENCES businesses(id),
    new_owner_id INTEGER REFERENCES users(id),
    reason       TEXT
);
CREATE INDEX activity_by_client ON activity (client_id, id);

CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    -- The whole request (method, path and body), so that reusing a key for
    -- a different request is caught exactly.
    request    TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
