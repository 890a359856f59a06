-- Band rows a bulk process (an import) wrote since it last folded them into
-- `article_bands`: a small B-tree the random band keys land in, folded into
-- the large one in key order every million rows (see the SQLite migration).
-- Lookups read both tables; a serving node writes to `article_bands`.
CREATE TABLE article_bands_fresh (
    band_key   BIGINT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band_key, article_id)
);
CREATE INDEX article_bands_fresh_article ON article_bands_fresh (article_id);
