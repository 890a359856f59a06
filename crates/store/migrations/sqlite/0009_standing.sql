-- 信用分 (creator standing): 100 plus the sum of a ledger the creator sees
-- entry by entry, each with its reason; an entry may be appealed, and an
-- appeal an editor grants takes the entry out of the sum.
CREATE TABLE standing_ledger (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    creator_id    INTEGER NOT NULL REFERENCES creators (id),
    delta         INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    article_id    INTEGER,
    at            INTEGER NOT NULL,
    -- NULL | pending | granted | denied
    appeal        TEXT,
    appeal_text   TEXT    NOT NULL DEFAULT '',
    appeal_reply  TEXT    NOT NULL DEFAULT '',
    decided_by    TEXT
);
CREATE INDEX standing_ledger_creator ON standing_ledger (creator_id, id DESC);
CREATE INDEX standing_ledger_appeal ON standing_ledger (appeal, id);
