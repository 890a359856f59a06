-- Per-article, per-day counts (Beijing days, as `YYYYMMDD` numbers) for
-- creators' analytics. Written with the batched view flush and with shares.
CREATE TABLE article_daily (
    article_id INTEGER NOT NULL REFERENCES articles (id),
    day        INTEGER NOT NULL,
    views      INTEGER NOT NULL DEFAULT 0,
    shares     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);
