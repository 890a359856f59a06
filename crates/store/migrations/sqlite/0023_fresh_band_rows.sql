-- Band rows a bulk process (an import) wrote since it last folded them into
-- `article_bands`. Band keys are random, so a batch's rows land on most of
-- the band B-tree's leaves: at a million articles a 5,000-article batch
-- rewrote nearly all of its 70,000 leaves. Written here instead, a small
-- B-tree, and folded in sorted every million rows, each leaf of the large
-- one is written once per fold, not once per batch. Lookups read both
-- tables; a serving node writes to `article_bands` directly.
CREATE TABLE article_bands_fresh (
    band_key   INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE INDEX article_bands_fresh_article ON article_bands_fresh (article_id);
