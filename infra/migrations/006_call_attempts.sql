-- Up Migration

-- The call ledger books every attempt sent to a provider, not one row per logical call: a retried
-- 429, 5xx, timeout or malformed reply is a request the provider received (and, for a reply, billed),
-- so spend and budgets count it. `attempt` tells the rows of one request apart: 'cache' for the
-- run's cache hit of a request (at most one), a unique id for every attempt sent. `outcome` says what
-- the attempt came to; `status` is the provider's HTTP status when it answered with an error.
ALTER TABLE model_calls ADD COLUMN attempt text;
UPDATE model_calls SET attempt = CASE WHEN cached THEN 'cache' ELSE 'paid' END;
ALTER TABLE model_calls ALTER COLUMN attempt SET NOT NULL;
ALTER TABLE model_calls ADD COLUMN outcome text NOT NULL DEFAULT 'answered'
  CHECK (outcome IN ('answered', 'malformed', 'throttled', 'server_error', 'timeout', 'connection_error', 'context_length', 'rejected', 'aborted'));
ALTER TABLE model_calls ADD COLUMN status integer;
ALTER TABLE model_calls DROP CONSTRAINT model_calls_pkey;
ALTER TABLE model_calls ADD PRIMARY KEY (run_id, request_key, attempt);

-- Down Migration
DELETE FROM model_calls WHERE outcome <> 'answered';
DELETE FROM model_calls a USING model_calls b
 WHERE a.run_id = b.run_id AND a.request_key = b.request_key AND a.attempt > b.attempt;
ALTER TABLE model_calls DROP CONSTRAINT model_calls_pkey;
ALTER TABLE model_calls ADD PRIMARY KEY (run_id, request_key);
ALTER TABLE model_calls DROP COLUMN status, DROP COLUMN outcome, DROP COLUMN attempt;
