-- Readers follow creators. `creators.follower_count` (关注度) is kept in step
-- in the same transaction as every follow and unfollow.
CREATE TABLE follows (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    creator_id INTEGER NOT NULL REFERENCES creators (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, creator_id)
);
CREATE INDEX follows_creator ON follows (creator_id);
