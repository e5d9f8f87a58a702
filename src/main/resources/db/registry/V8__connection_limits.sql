-- Rate limits of one agent on one connection (amk agent limit NAME --connection CONN), beside the agent-wide ones in
-- agent_limits: a looping agent can be held to a few calls a minute on GitHub while its LLM traffic stays free.
-- A column left null means "no such limit"; a row with both null is not kept.

CREATE TABLE connection_limits (
    agent_id            INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    connection_id       INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    requests_per_minute INTEGER,            -- token bucket: a minute's worth of burst, refilled evenly
    concurrent          INTEGER,            -- requests (streams included) running at once on this connection
    PRIMARY KEY (agent_id, connection_id)
);
