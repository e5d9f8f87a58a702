-- Decoy agents (issue 15): keys made never to be used. Any use is answered like an unknown key, audited as
-- decoy_used and raises an alert. Kept beside agents rather than as a column, so that nothing else about an agent
-- changes. (Approval rules need no table: they are grant rules, and "approved for 10 minutes" lives in memory.)
CREATE TABLE decoy_agents (
    agent_id INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE
);
