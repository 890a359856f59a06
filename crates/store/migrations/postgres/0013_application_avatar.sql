-- 申请入驻: the applicant's avatar (a /media/ address), given to the creator
-- account on approval; NULL draws one from the name.
ALTER TABLE creator_applications ADD COLUMN avatar_url TEXT;
