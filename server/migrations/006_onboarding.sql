-- Onboarding (issue 12): clients get the practice's own code, users can be
-- invited (and removed), and the activity log names the user a change was
-- about.

-- The practice's code for a client, unique within the practice whatever
-- its case. `core` decides that (onboarding::code_is_free); this index is
-- only a backstop. SQLite's lower() folds ASCII only, so it never refuses a
-- code that `core`'s fuller folding allowed.
ALTER TABLE clients ADD COLUMN code TEXT;
CREATE UNIQUE INDEX clients_code_per_practice ON clients (practice_id, lower(code))
    WHERE code IS NOT NULL;

-- A removed user keeps their row, so the activity log can still name them
-- and documents they added keep their history; they are no longer in the
-- account, and their credentials and sessions are deleted.
ALTER TABLE users ADD COLUMN removed_at INTEGER;

-- An invitation to set a password, known only by the SHA-256 of its token:
-- the token itself is in the link sent to the person.
CREATE TABLE invitations (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    -- The email they will sign in with, normalised.
    email      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX invitations_by_user ON invitations (user_id);
CREATE INDEX invitations_by_email ON invitations (email) WHERE used_at IS NULL;

-- The user invited or removed, for those entries.
ALTER TABLE activity ADD COLUMN user_id INTEGER REFERENCES users(id);
