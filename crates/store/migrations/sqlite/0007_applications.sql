-- 申请入驻: readers apply to become creators; editors approve or reject with a
-- reason; the applicant sees the outcome and may apply again after a rejection.
CREATE TABLE creator_applications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    account_type TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    bio          TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    contact      TEXT    NOT NULL,
    statement    TEXT    NOT NULL,
    -- pending | approved | rejected
    status       TEXT    NOT NULL DEFAULT 'pending',
    reason       TEXT    NOT NULL DEFAULT '',
    decided_by   TEXT,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER
);
CREATE INDEX creator_applications_user ON creator_applications (user_id, id DESC);
CREATE INDEX creator_applications_status ON creator_applications (status, id);
