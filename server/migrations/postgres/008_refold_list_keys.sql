-- The list's search and name order now fold case by Unicode's full case
-- folding (`core::search::fold`), where they used lower case: "ß" folds to
-- "ss" and a final "ς" to "σ". Text of printable ASCII folds as before;
-- for a client whose name or code holds anything else, the stored keys are
-- emptied here, and the server makes them again as it opens the database
-- (`fill_list_keys`).
UPDATE clients SET sort_name = ''
    WHERE name ~ '[^ -~]' OR code ~ '[^ -~]';
