-- Up Migration

-- Cluster-wide rate limits: one token bucket per model endpoint, shared by every worker through
-- this table. Time is read from the database clock only, so skew between worker clocks does not
-- matter; a worker that dies holds nothing (a granted token is simply spent).
CREATE TABLE rate_buckets (
  key            text PRIMARY KEY,
  requests       double precision NOT NULL,
  tokens         double precision NOT NULL,
  updated_at     timestamptz NOT NULL,
  -- After a 429 every worker waits until then (the provider's Retry-After).
  blocked_until  timestamptz NOT NULL DEFAULT '-infinity',
  -- Multiplies the configured rates; lowered on each 429, recovers slowly on grants.
  rate_factor    double precision NOT NULL DEFAULT 1
);

-- Takes one request and p_cost_tokens tokens from the bucket if both are there.
-- Returns 0 when granted, otherwise the milliseconds to wait before asking again.
CREATE FUNCTION acquire_rate(p_key text, p_rpm double precision, p_tpm double precision,
                             p_req_cap double precision, p_tok_cap double precision, p_cost_tokens double precision)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
  b rate_buckets;
  now_ts timestamptz;
  elapsed_ms double precision;
  rpm double precision;
  tpm double precision;
  req double precision;
  tok double precision;
  tok_cap double precision := greatest(p_tok_cap, p_cost_tokens);
BEGIN
  INSERT INTO rate_buckets (key, requests, tokens, updated_at) VALUES (p_key, p_req_cap, tok_cap, clock_timestamp())
  ON CONFLICT (key) DO NOTHING;
  SELECT * INTO b FROM rate_buckets WHERE key = p_key FOR UPDATE;
  -- Read the clock only once the row is ours: a time taken before waiting for the lock would be
  -- older than the last holder's and credit the same interval twice.
  now_ts := greatest(clock_timestamp(), b.updated_at);
  IF b.blocked_until > now_ts THEN
    RETURN greatest(1, extract(epoch FROM b.blocked_until - now_ts) * 1000);
  END IF;
  rpm := p_rpm * b.rate_factor;
  tpm := p_tpm * b.rate_factor;
  elapsed_ms := greatest(0, extract(epoch FROM now_ts - b.updated_at) * 1000);
  req := least(p_req_cap, b.requests + elapsed_ms * rpm / 60000.0);
  tok := least(tok_cap, b.tokens + elapsed_ms * tpm / 60000.0);
  IF req >= 1 AND tok >= p_cost_tokens THEN
    UPDATE rate_buckets SET requests = req - 1, tokens = tok - p_cost_tokens, updated_at = now_ts,
           rate_factor = least(1, rate_factor + 0.002)
     WHERE key = p_key;
    RETURN 0;
  END IF;
  UPDATE rate_buckets SET requests = req, tokens = tok, updated_at = now_ts WHERE key = p_key;
  RETURN greatest(1,
    CASE WHEN req < 1 THEN (1 - req) * 60000.0 / rpm ELSE 0 END,
    CASE WHEN tok < p_cost_tokens THEN (p_cost_tokens - tok) * 60000.0 / tpm ELSE 0 END);
END $$;

-- Down Migration
DROP FUNCTION acquire_rate(text, double precision, double precision, double precision, double precision, double precision);
DROP TABLE rate_buckets;
