-- Per-article, per-day counts (Beijing days, as `YYYYMMDD` numbers) for
-- creators' analytics. Written with the batched view flush and with shares.
CREATE TABLE article_daily (
    article_id BIGINT  NOT NULL REFERENCES articles (id),
    day        BIGINT  NOT NULL,
    views      BIGINT  NOT NULL DEFAULT 0,
    shares     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);
