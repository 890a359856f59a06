-- 热点: each article's engagement decayed with time, kept as one number that
-- events only add to (see hao_recommend::hot): Σ weight · 2^((t − epoch)/H).
ALTER TABLE articles ADD COLUMN hot DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX articles_hot ON articles (status, listed, hot DESC);
CREATE INDEX articles_channel_hot ON articles (status, listed, channel, hot DESC);

-- The epoch of every stored `hot` (one row). Moved forward now and then, with
-- every score rescaled in the same transaction.
CREATE TABLE hot_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO hot_epoch (id, epoch) VALUES (1, EXTRACT(EPOCH FROM now())::BIGINT);
