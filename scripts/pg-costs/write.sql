\set n random(1, 1000000000)
BEGIN;
INSERT INTO articles (external_id, creator_id, channel, title, body_markdown, body_html, summary, tags, original, status, published_at, listed, created_at, updated_at, keywords, sketch) VALUES ('bench-' || :n || '-' || random(), 1, 'tech', '标题', repeat('正文内容', 200), repeat('<p>正文内容</p>', 50), '摘要', '', 1, 'published', 1700000000, 1, 1700000000, 1700000000, '', repeat('0', 256) || ':100') RETURNING id \gset
INSERT INTO article_bands (band_key, article_id) SELECT (:n)::bigint * 16 + g, :id FROM generate_series(1, 16) g;
SELECT pg_advisory_xact_lock(4242001);
INSERT INTO changes (kind, article_id, at) VALUES ('article', :id, 1700000000);
COMMIT;
