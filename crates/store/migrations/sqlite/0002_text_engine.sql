-- The text engine's per-article results: TF-IDF keywords (suggested tags and
-- the recommender's features) and the SimHash fingerprint of the body
-- (64 bits stored as a signed integer; NULL when the body is too short),
-- shown to editors and kept for exact-copy checks.
ALTER TABLE articles ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN fingerprint INTEGER;
-- The body's MinHash sketch ('hex minimums:set size') and its LSH band keys:
-- two bodies that agree on every row of one band share a key, so a lookup
-- reads a few index entries instead of every sketch.
ALTER TABLE articles ADD COLUMN sketch TEXT;
CREATE TABLE article_bands (
    band_key   INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band_key, article_id)
);
CREATE INDEX article_bands_article ON article_bands (article_id);

-- Originality protection: an article and the earlier articles of other
-- creators whose text its own contains or is contained in (similarity: percent
-- of the smaller text found in the larger, estimated from the sketches).
CREATE TABLE near_duplicates (
    article_id   INTEGER NOT NULL REFERENCES articles (id),
    duplicate_of INTEGER NOT NULL REFERENCES articles (id),
    similarity   INTEGER NOT NULL,
    found_at     INTEGER NOT NULL,
    PRIMARY KEY (article_id, duplicate_of)
);
CREATE INDEX near_duplicates_of ON near_duplicates (duplicate_of);

-- An article declared 原创 that near-duplicates an earlier one waits here for
-- an editor: status 'pending', then 'confirmed' (a copy: the 原创 label is
-- removed) or 'dismissed' (original after all).
CREATE TABLE originality_reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id   INTEGER NOT NULL REFERENCES articles (id),
    duplicate_of INTEGER NOT NULL REFERENCES articles (id),
    similarity   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    reason       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    UNIQUE (article_id, duplicate_of)
);
CREATE INDEX originality_reviews_status ON originality_reviews (status, created_at);
