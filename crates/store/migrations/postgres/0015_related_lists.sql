-- 相关推荐 lists, computed when an article is published or edited and kept
-- here, so that a node starting up reads them instead of computing every
-- article's list again, and keeps in memory only the ones being read.
-- items: one "id<TAB>reason" line per related article, best first.
CREATE TABLE related_lists (
    article_id  BIGINT PRIMARY KEY REFERENCES articles (id),
    items       TEXT    NOT NULL,
    computed_at BIGINT NOT NULL
);
