-- 点赞 and 收藏: one like and one favourite per reader and article. The like
-- count is kept on the article in the same transaction as the row it counts.
ALTER TABLE articles ADD COLUMN likes BIGINT NOT NULL DEFAULT 0;

CREATE TABLE article_likes (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX article_likes_article ON article_likes (article_id);

CREATE TABLE favorites (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX favorites_newest ON favorites (user_id, created_at);
