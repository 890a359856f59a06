-- 跟帖: comments on articles, their likes, 举报 (reports), 禁言 (mutes) and
-- the kinds of 消息 a user turned off. Counts shown on pages (an article's
-- comments, a comment's likes and replies) are kept in the transaction that
-- writes the row they count.
ALTER TABLE articles ADD COLUMN comments BIGINT NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN comments_closed BIGINT NOT NULL DEFAULT 0;

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id    BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The comment answered (NULL for a thread's first comment) and the
    -- thread's first comment (the comment itself for a thread's first).
    parent_id     BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    root_id       BIGINT,
    -- 1 for a thread's first comment, 2 for its replies, and so on.
    depth         BIGINT NOT NULL DEFAULT 1,
    body          TEXT NOT NULL,
    -- published | held (waiting for an editor) | hidden
    status        TEXT NOT NULL,
    -- Why it is held or hidden, shown to its author.
    status_reason TEXT NOT NULL DEFAULT '',
    likes         BIGINT NOT NULL DEFAULT 0,
    -- Published direct replies.
    replies       BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, status, id);
CREATE INDEX comments_root ON comments (root_id, id);
CREATE INDEX comments_user ON comments (user_id, id);
CREATE INDEX comments_recent ON comments (created_at);

CREATE TABLE comment_likes (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, comment_id)
);

-- 举报: one per reporter and target; an editor's action resolves every open
-- report of the target at once.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- article | comment
    target      TEXT NOT NULL,
    target_id   BIGINT NOT NULL,
    -- The article reported, or the article of the comment reported.
    article_id  BIGINT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    outcome     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reports_once ON reports (reporter_id, target, target_id);
CREATE INDEX reports_open ON reports (resolved_at, target, target_id);

-- 禁言: a user who may not comment until `until`.
CREATE TABLE mutes (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    until      BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The kinds of 消息 a user turned off (reply, comment-like, like, follower).
CREATE TABLE notification_off (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
