-- Creators brought in by `hao import --from wordpress|ghost`: the platform
-- they came from ('' for those who signed up here).
ALTER TABLE creators ADD COLUMN imported_from TEXT NOT NULL DEFAULT '';

-- A user's e-mail address, for password resets: set when the link sent to
-- it is opened (`email_verified_at`), until then only pending in email_tokens.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
CREATE UNIQUE INDEX users_email ON users (email);

-- Single-use links sent by e-mail: 'verify' (an address to confirm) and
-- 'reset' (a new password). Only the token's SHA-256 is kept.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
