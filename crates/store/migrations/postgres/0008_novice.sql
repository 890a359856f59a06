-- 新手期: an approved applicant's articles wait for an editor before they go
-- live, until enough of them in a row are approved.
ALTER TABLE creators ADD COLUMN novice BIGINT NOT NULL DEFAULT 0;
ALTER TABLE creators ADD COLUMN novice_approvals BIGINT NOT NULL DEFAULT 0;
-- The editor's reason when an article is sent back.
ALTER TABLE articles ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_review ON articles (status, updated_at);
