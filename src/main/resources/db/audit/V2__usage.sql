-- Token usage read from LLM answers, summed per agent and UTC day: what budgets are checked against and what
-- 'amk usage' prints. Written in the audit writer's batches. Never a prompt, an answer or a secret.

CREATE TABLE usage_daily (
    agent_id           INTEGER NOT NULL,    -- agents.id in amk.db
    day                TEXT    NOT NULL,    -- UTC date, YYYY-MM-DD
    requests           INTEGER NOT NULL,    -- metered requests (to LLM connections)
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cost_micro_usd     INTEGER NOT NULL,    -- estimated from the price table, millionths of a US dollar
    estimated_requests INTEGER NOT NULL,    -- requests whose tokens were estimated (a stream without a usage event)
    unpriced_requests  INTEGER NOT NULL,    -- requests whose model the price table does not know (cost counted as 0)
    PRIMARY KEY (agent_id, day)
);
