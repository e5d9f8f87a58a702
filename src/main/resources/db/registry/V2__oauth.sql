-- OAuth connections: how to talk to the provider's authorization server, and what the broker knows about
-- the grant. The token set itself (access and refresh token) is one keychain item under the connection's
-- secret_ref; the client secret, when there is one, is another (client_secret_ref). Nothing here is secret.

CREATE TABLE oauth_connections (
    connection_id     INTEGER PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    authorize_url     TEXT,                 -- null for a device-flow-only connection
    token_url         TEXT    NOT NULL,
    device_url        TEXT,                 -- RFC 8628 device authorization endpoint
    revoke_url        TEXT,                 -- RFC 7009 revocation endpoint
    client_id         TEXT    NOT NULL,
    client_secret_ref TEXT UNIQUE,          -- keychain item; null for a public client
    client_auth       TEXT    NOT NULL,     -- post | basic: how the client authenticates at the token endpoint
    scopes_requested  TEXT    NOT NULL,     -- space-separated, as asked
    scopes_granted    TEXT,                 -- space-separated, as the provider reported
    identity          TEXT,                 -- the account, e.g. a GitHub login or an e-mail address
    access_expires_at INTEGER,              -- epoch ms; null when the provider gave no expiry
    status            TEXT    NOT NULL,     -- connected | needs_reconnect
    status_detail     TEXT,                 -- why it needs reconnecting, for a person
    updated_at        INTEGER NOT NULL
);
