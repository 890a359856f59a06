-- Hao's first schema (SQLite). Times are Unix seconds (INTEGER); booleans are 0/1.
CREATE TABLE creators (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    display_name   TEXT    NOT NULL UNIQUE,
    avatar_url     TEXT,
    bio            TEXT    NOT NULL DEFAULT '',
    account_type   TEXT    NOT NULL DEFAULT 'personal',
    follower_count INTEGER NOT NULL DEFAULT 0,
    is_demo        INTEGER NOT NULL DEFAULT 0,
    is_official    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id   TEXT    NOT NULL UNIQUE,
    creator_id    INTEGER NOT NULL REFERENCES creators (id),
    channel       TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    cover_url     TEXT,
    tags          TEXT    NOT NULL DEFAULT '',
    original      INTEGER NOT NULL,
    source_name   TEXT,
    source_url    TEXT,
    status        TEXT    NOT NULL,
    listed        INTEGER NOT NULL DEFAULT 1,
    published_at  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    views         INTEGER NOT NULL DEFAULT 0,
    shares        INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX articles_listing ON articles (status, listed, published_at DESC);
CREATE INDEX articles_channel ON articles (status, listed, channel, published_at DESC);
CREATE INDEX articles_creator ON articles (creator_id, status, published_at DESC);
CREATE INDEX articles_views ON articles (status, listed, views DESC);

-- The change log: every write that changes what a page shows appends a row.
-- Each node tails it by `seq` to refresh its caches (and later its search index).
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    article_id INTEGER,
    at         INTEGER NOT NULL
);
