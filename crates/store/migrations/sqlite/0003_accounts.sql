-- Accounts. Everything a node needs to recognise a reader lives here, so any
-- node can serve any reader: sessions, API tokens, sign-in attempt counters.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- reader | creator | editor | admin
    role          TEXT NOT NULL DEFAULT 'reader',
    -- The creator account a creator writes as (NULL for plain readers).
    creator_id    INTEGER REFERENCES creators (id),
    created_at    INTEGER NOT NULL
);

-- A session: the cookie holds a random id, the table only its SHA-256.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens for external tools: shown once, stored as SHA-256, revocable.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- Failed sign-in attempts per key ('user:NAME' or 'addr:IP') in a window.
CREATE TABLE signin_failures (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL
);

-- Every editor action: who, what, on what, when, why.
CREATE TABLE moderation_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL
);
