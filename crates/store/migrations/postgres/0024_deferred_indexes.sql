-- Indexes a bulk import dropped to build once at its end (see the SQLite
-- migration). Only SQLite's bulk imports defer indexes; the table is here
-- so both schemas hold the same tables at the same version.
CREATE TABLE deferred_indexes (
    name TEXT NOT NULL PRIMARY KEY,
    sql  TEXT NOT NULL
);
