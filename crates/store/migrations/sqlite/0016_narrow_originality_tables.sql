-- Narrow tables for the near-duplicate lookup, which an import runs for
-- every article against a growing set of candidates.
--
-- The MinHash sketch moves out of `articles` into a table of its own: it was
-- the last column of a row that also holds both bodies, so reading a
-- candidate's sketch walked the row's overflow pages.
CREATE TABLE article_sketches (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id),
    sketch     TEXT NOT NULL
);
INSERT INTO article_sketches (article_id, sketch)
    SELECT id, sketch FROM articles WHERE sketch IS NOT NULL;
ALTER TABLE articles DROP COLUMN sketch;

-- LSH band keys in a WITHOUT ROWID table: the rows live in the primary-key
-- B-tree itself instead of a rowid table with a (band_key, article_id) index
-- beside it, so every band row is written once, not twice.
CREATE TABLE article_bands_new (
    band_key   INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
INSERT INTO article_bands_new (band_key, article_id)
    SELECT band_key, article_id FROM article_bands;
DROP TABLE article_bands;
ALTER TABLE article_bands_new RENAME TO article_bands;
CREATE INDEX article_bands_article ON article_bands (article_id);
