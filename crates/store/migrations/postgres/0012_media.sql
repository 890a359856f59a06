-- Uploaded images, re-encoded, in the database so that every node serves them.
CREATE TABLE media (
    name       TEXT    PRIMARY KEY,
    mime       TEXT    NOT NULL,
    bytes      BYTEA   NOT NULL,
    width      BIGINT  NOT NULL,
    height     BIGINT  NOT NULL,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    created_at BIGINT  NOT NULL
);
