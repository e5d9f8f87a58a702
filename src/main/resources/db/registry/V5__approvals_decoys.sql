-- Decoy agents (issue 15): keys made never to be used. Any use is answered like an unknown key, audited as
-- decoy_used and raises an alert. Kept beside agents rather than as a column, so that nothing else about an agent
-- changes. (Approval rules need no table: they are grant rules, and "approved for 10 minutes" lives in memory.)
CREATE TABLE decoy_agents (
    agent_id INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE
);

-- Approval rules (CONN:ask:METHODS:PATHS): a matching request is held until a person answers in the app. Beside
-- the grant for the same connection (which stays one per connection), since "github, but ask before a merge" is
-- the point; an agent may have several per connection.
CREATE TABLE approval_rules (
    agent_id      INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    methods       TEXT    NOT NULL,         -- '*' or a comma list
    paths         TEXT    NOT NULL          -- comma list of path globs
);
CREATE INDEX approval_rules_agent ON approval_rules (agent_id);
