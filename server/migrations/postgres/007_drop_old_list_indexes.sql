-- The list's old indexes (issue 13): every list query is one practice's,
-- by (practice_id, status, sort_name, id) or (practice_id, status,
-- updated_at, id), the indexes of 005. The two before them are read by
-- nothing, and every change of status had to update them.
DROP INDEX clients_by_practice_status_name;
DROP INDEX clients_by_practice_status_update;
