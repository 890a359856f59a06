-- Readers follow creators. `creators.follower_count` (关注度) is kept in step
-- in the same transaction as every follow and unfollow.
CREATE TABLE follows (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    creator_id BIGINT NOT NULL REFERENCES creators (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, creator_id)
);
CREATE INDEX follows_creator ON follows (creator_id);
