-- Tags as rows (话题 pages, tag feeds, 热门话题): one row per article and tag,
-- kept by `upsert_articles` beside the `tags` column, which stays the
-- article's own copy. Filled from that column for articles already stored.
CREATE TABLE article_tags (
    tag        TEXT   NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, article_id)
);
CREATE INDEX article_tags_article ON article_tags (article_id);

INSERT INTO article_tags (tag, article_id)
SELECT DISTINCT t, id FROM articles, unnest(string_to_array(tags, E'\n')) AS t
WHERE tags <> '' AND t <> ''
ON CONFLICT DO NOTHING;
