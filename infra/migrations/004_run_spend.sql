-- Up Migration

-- Running totals of the call ledger per run and model, kept in step with model_calls by the same
-- statement that writes a ledger row. Every activity reports its run's spend; reading it here
-- costs the same at any run size, where summing the ledger grows with every call.
CREATE TABLE run_spend (
  run_id        text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model         text NOT NULL,
  calls         bigint NOT NULL DEFAULT 0,
  cached_calls  bigint NOT NULL DEFAULT 0,
  tokens        bigint NOT NULL DEFAULT 0,
  cost_usd      double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, model)
);

INSERT INTO run_spend (run_id, model, calls, cached_calls, tokens, cost_usd)
SELECT run_id, model, count(*) FILTER (WHERE NOT cached), count(*) FILTER (WHERE cached),
       coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0), coalesce(sum(cost_usd), 0)
  FROM model_calls GROUP BY run_id, model;

-- Down Migration
DROP TABLE run_spend;
