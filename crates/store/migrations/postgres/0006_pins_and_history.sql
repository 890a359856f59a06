-- Editors pin articles at the top of a channel's headline block (要闻).
CREATE TABLE channel_pins (
    channel    TEXT    NOT NULL,
    article_id BIGINT  NOT NULL REFERENCES articles (id),
    pinned_by  TEXT    NOT NULL,
    pinned_at  BIGINT  NOT NULL,
    PRIMARY KEY (channel, article_id)
);

-- What signed-in readers read (for the personal feed), unless they turned
-- personalisation off; they can clear it.
CREATE TABLE reading_history (
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    article_id BIGINT  NOT NULL REFERENCES articles (id),
    read_at    BIGINT  NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX reading_history_recent ON reading_history (user_id, read_at DESC);
ALTER TABLE users ADD COLUMN personalize BIGINT NOT NULL DEFAULT 1;
