-- The list's old indexes (issue 13): every list query is one practice's,
-- by (practice_id, status, sort_name, id) or (practice_id, status,
-- updated_at, id), the indexes of 010. The four before them are read by
-- nothing, but a change of status moved each client's entry in all six, so
-- a deactivation wrote 21 pages to the WAL, 8 of them for these.
DROP INDEX clients_by_status_and_name;
DROP INDEX clients_by_status_and_update;
DROP INDEX clients_by_practice_status_name;
DROP INDEX clients_by_practice_status_update;
