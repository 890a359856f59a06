-- Tags as rows (话题 pages, tag feeds, 热门话题): one row per article and tag,
-- kept by `upsert_articles` beside the `tags` column, which stays the
-- article's own copy. Filled from that column for articles already stored.
CREATE TABLE article_tags (
    tag        TEXT    NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, article_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_article ON article_tags (article_id);

INSERT OR IGNORE INTO article_tags (tag, article_id)
WITH RECURSIVE split (article_id, tag, rest) AS (
    SELECT id, '', tags || char(10) FROM articles WHERE tags <> ''
    UNION ALL
    SELECT article_id,
           substr(rest, 1, instr(rest, char(10)) - 1),
           substr(rest, instr(rest, char(10)) + 1)
    FROM split WHERE rest <> ''
)
SELECT tag, article_id FROM split WHERE tag <> '';
