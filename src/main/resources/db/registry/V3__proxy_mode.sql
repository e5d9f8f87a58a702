-- Proxy mode (HTTPS_PROXY): where intercepted hosts go, which other hosts an agent may reach through a blind
-- tunnel, and the short-lived child keys of `amk run`. Nothing here is secret.

CREATE TABLE host_maps (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    host          TEXT    NOT NULL,         -- a host name or a *. pattern, lower case
    url           TEXT    NOT NULL,         -- where that host's requests go (https, or http on loopback)
    PRIMARY KEY (connection_id, host)
);

CREATE TABLE allowed_hosts (
    agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    pattern  TEXT    NOT NULL,              -- a host name or a *. pattern: reached through a blind, audited tunnel
    PRIMARY KEY (agent_id, pattern)
);

-- A child key of `amk run`: an agent of its own (so audit rows and revocation work as for any agent) whose parent
-- is the agent it was made from; it goes with its parent. Its expires_at is a lease that `amk run` renews.
ALTER TABLE agents ADD COLUMN parent_id INTEGER REFERENCES agents (id) ON DELETE CASCADE;
