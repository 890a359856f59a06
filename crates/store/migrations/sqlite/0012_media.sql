-- Uploaded images, re-encoded, in the database so that every node serves them.
CREATE TABLE media (
    name       TEXT    PRIMARY KEY,
    mime       TEXT    NOT NULL,
    bytes      BLOB    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
