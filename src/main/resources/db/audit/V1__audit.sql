-- One row per proxied request, allowed or denied. Never a secret, a key, a header or a body.

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    time        INTEGER NOT NULL,           -- epoch milliseconds, UTC
    agent_id    INTEGER,                    -- agents.id in amk.db; null when no valid key was shown
    agent       TEXT,
    connection  TEXT,
    method      TEXT,
    path        TEXT,
    status      INTEGER NOT NULL,
    decision    TEXT    NOT NULL,           -- allowed | denied | error
    reason      TEXT,
    latency_ms  INTEGER NOT NULL,
    bytes_in    INTEGER NOT NULL,
    bytes_out   INTEGER NOT NULL
);

CREATE INDEX audit_by_agent ON audit (agent, id);

-- When each agent last made a request; kept here, beside the log it is derived from.
CREATE TABLE agent_usage (
    agent_id     INTEGER PRIMARY KEY,
    last_used_at INTEGER NOT NULL
);
