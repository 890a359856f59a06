-- Webhooks: a creator's or an admin's URL and the events it wants; each
-- event becomes one delivery row per webhook, delivered (and retried with
-- backoff) by whichever node claims it first. Events are derived from the
-- change log past `webhook_cursor`, under that row's lock, so each is
-- queued once however many nodes run.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    -- Event names separated by spaces.
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- pending | delivered | failed
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_at         BIGINT NOT NULL,
    response_status BIGINT,
    error           TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);

-- How far the change log has been turned into events.
CREATE TABLE webhook_cursor (
    id  BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO webhook_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM changes;

-- What the webhooks were last told of each article (to tell published,
-- updated, unpublished and taken down apart).
CREATE TABLE webhook_articles (
    article_id BIGINT PRIMARY KEY,
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Comments and follows not yet turned into events.
ALTER TABLE comments ADD COLUMN announced BIGINT NOT NULL DEFAULT 0;
ALTER TABLE follows ADD COLUMN announced BIGINT NOT NULL DEFAULT 0;
CREATE INDEX comments_unannounced ON comments (id) WHERE announced = 0;
CREATE INDEX follows_unannounced ON follows (user_id, creator_id) WHERE announced = 0;
