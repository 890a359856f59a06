-- The MinHash sketch moves out of `articles` into a narrow table of its own:
-- the near-duplicate lookup reads a candidate's sketch without its row's
-- bodies (see the SQLite migration).
CREATE TABLE article_sketches (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id),
    sketch     TEXT NOT NULL
);
INSERT INTO article_sketches (article_id, sketch)
    SELECT id, sketch FROM articles WHERE sketch IS NOT NULL;
ALTER TABLE articles DROP COLUMN sketch;
