\set id random(1, 6000)
SELECT id, external_id, creator_id, channel, title, body_markdown, body_html, summary, cover_url, tags, original, source_name, source_url, status, published_at, updated_at, views, shares, listed, keywords FROM articles WHERE id = :id;
SELECT c.id, c.display_name, (SELECT COUNT(*) FROM articles a WHERE a.creator_id = c.id AND a.status = 'published') FROM creators c WHERE c.id = (SELECT creator_id FROM articles WHERE id = :id);
SELECT a.id, a.title, a.summary FROM articles a JOIN creators c ON c.id = a.creator_id WHERE a.status = 'published' AND a.listed = 1 AND a.channel = 'local' AND a.id <> :id ORDER BY a.published_at DESC, a.id DESC LIMIT 30;
SELECT a.id, a.title FROM articles a JOIN creators c ON c.id = a.creator_id WHERE a.status = 'published' AND a.creator_id = (SELECT creator_id FROM articles WHERE id = :id) ORDER BY a.published_at DESC, a.id DESC LIMIT 6;
SELECT COUNT(*) FROM articles a WHERE a.status = 'published' AND a.creator_id = (SELECT creator_id FROM articles WHERE id = :id);
