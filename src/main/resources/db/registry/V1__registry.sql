-- The registry: what exists and who may use it. The audit log lives in its own file (audit.db), so that
-- its steady writes never look like configuration changes to a running broker.
-- No secret and no full agent key is ever stored here:
-- connections point at a keychain item (secret_ref), agents keep only a SHA-256 of their key.

CREATE TABLE connections (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    provider    TEXT    NOT NULL,
    base_url    TEXT    NOT NULL,
    auth_kind   TEXT    NOT NULL,           -- header | query | basic
    auth_name   TEXT,                       -- header name, query parameter or basic user
    auth_format TEXT,                       -- header value template containing {secret}
    secret_ref  TEXT    NOT NULL UNIQUE,    -- keychain account; changes whenever the secret does
    created_at  INTEGER NOT NULL
);

CREATE TABLE agents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: audit rows refer to it
    name         TEXT    NOT NULL UNIQUE,
    key_hash     TEXT    NOT NULL UNIQUE,   -- hex SHA-256 of the full amk_ key
    key_prefix   TEXT    NOT NULL,          -- first characters, for recognising a key in lists
    created_at   INTEGER NOT NULL,
    key_issued_at INTEGER NOT NULL,
    revoked_at   INTEGER,
    expires_at   INTEGER
);

CREATE TABLE grants (
    agent_id      INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    methods       TEXT    NOT NULL,         -- '*' or a comma list such as 'GET,HEAD,OPTIONS'
    paths         TEXT    NOT NULL,         -- comma list of path globs; '/**' for everything
    preset        TEXT    NOT NULL,         -- full | read | custom: how the user phrased it
    PRIMARY KEY (agent_id, connection_id)
);
