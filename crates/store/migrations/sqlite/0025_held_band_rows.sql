-- Band rows an import holds (see `Store::hold_bands`): the one user of the
-- database for the while keeps them in memory for its lookups and writes
-- them here, keyed by article so each batch appends, and folds them into
-- `article_bands` in key order once, at its end (or, after a crash, the
-- next process to open the database does). Folded every million rows
-- instead, each fold rewrote the whole band B-tree: a million articles'
-- import rewrote it sixteen times.
CREATE TABLE article_bands_held (
    article_id INTEGER NOT NULL,
    band_key   INTEGER NOT NULL,
    PRIMARY KEY (article_id, band_key)
) WITHOUT ROWID;
