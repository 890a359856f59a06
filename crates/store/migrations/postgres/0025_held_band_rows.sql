-- Band rows an import holds until its end (see the SQLite migration). Only
-- SQLite's bulk imports hold band rows; the table is here so both schemas
-- hold the same tables at the same version.
CREATE TABLE article_bands_held (
    article_id BIGINT NOT NULL,
    band_key   BIGINT NOT NULL,
    PRIMARY KEY (article_id, band_key)
);
