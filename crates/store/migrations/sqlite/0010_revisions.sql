-- Every saved version of an article's title and body (修订历史).
CREATE TABLE article_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions (article_id, id DESC);
