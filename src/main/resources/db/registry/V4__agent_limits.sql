-- Per-agent controls (amk agent limit): how fast and how much an agent may use what it is granted.
-- A column left null means "no such limit". Money is in micro-dollars (millionths of a US dollar), so sums are exact.

CREATE TABLE agent_limits (
    agent_id            INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    requests_per_minute INTEGER,            -- token bucket: a minute's worth of burst, refilled evenly
    concurrent          INTEGER,            -- requests (streams included) running at once
    daily_micro_usd     INTEGER,            -- estimated spend per UTC day
    monthly_micro_usd   INTEGER,            -- estimated spend per UTC calendar month
    daily_tokens        INTEGER,            -- input + output tokens per UTC day
    models              TEXT,               -- comma list of model globs; null: any model
    pause_on_budget     INTEGER NOT NULL DEFAULT 0  -- 1: revoke the agent when it passes a budget
);
