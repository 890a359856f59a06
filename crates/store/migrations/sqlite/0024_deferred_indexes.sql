-- Indexes a bulk import dropped to build once at its end: a large import
-- into an empty (or small) article table writes each row of the table's
-- secondary indexes at a random place, and at a million articles a batch
-- dirtied most of their pages; built afterwards, each is one sorted pass.
-- The definition is kept here in the transaction that drops the index, and
-- whichever process opens the database next builds what is listed (the
-- import itself at its end, or the next process after a crash).
CREATE TABLE deferred_indexes (
    name TEXT NOT NULL PRIMARY KEY,
    sql  TEXT NOT NULL
);
