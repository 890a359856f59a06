\set id random(1, 6000)
UPDATE articles SET views = views + 1 WHERE id = :id;
