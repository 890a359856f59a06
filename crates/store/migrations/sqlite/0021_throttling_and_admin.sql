-- Browsers a user has signed in from: the `hao_device` cookie's SHA-256.
-- Such a browser is never refused by the per-account sign-in limit that
-- other people's wrong passwords fill, so guessing cannot lock the owner out.
CREATE TABLE signin_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX signin_devices_user ON signin_devices (user_id);

-- Suspension (封禁) by an admin: until `suspended_until` the user cannot sign
-- in and their sessions and API tokens are refused on every node.
ALTER TABLE users ADD COLUMN suspended_until BIGINT;
ALTER TABLE users ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';

-- Site settings an admin edits in /admin (site name, the 备案 line).
CREATE TABLE site_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
