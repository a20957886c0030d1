-- Up Migration

-- One optimization run. `spec` is the validated task spec: model endpoints name the
-- environment variable that holds a key, never the key itself.
CREATE TABLE runs (
  id           text PRIMARY KEY,
  task_name    text NOT NULL,
  task_file    text NOT NULL,
  dataset_path text NOT NULL,
  spec         jsonb NOT NULL,
  seed         bigint NOT NULL,
  status       text NOT NULL DEFAULT 'running',
  phase        text NOT NULL DEFAULT 'preparing',
  result       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- Labeled examples of a run, with the split each belongs to.
CREATE TABLE examples (
  run_id      text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  example_id  text NOT NULL,
  split       text NOT NULL CHECK (split IN ('train', 'val', 'test')),
  ordinal     integer NOT NULL,
  inputs      jsonb NOT NULL,
  outputs     jsonb NOT NULL,
  PRIMARY KEY (run_id, example_id)
);
CREATE INDEX examples_split ON examples (run_id, split, ordinal);

-- Candidate prompts, content-addressed: the same genome is stored and evaluated once per run.
CREATE TABLE candidates (
  run_id         text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  hash           text NOT NULL,
  genome         jsonb NOT NULL,
  parent_hashes  text[] NOT NULL DEFAULT '{}',
  operator       text NOT NULL,
  note           text,
  generation     integer NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, hash)
);

-- One row per finished generation: the population it left behind and its statistics.
CREATE TABLE generations (
  run_id       text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  generation   integer NOT NULL,
  population   text[] NOT NULL,
  best_hash    text NOT NULL,
  best_score   double precision NOT NULL,
  mean_score   double precision NOT NULL,
  stats        jsonb NOT NULL DEFAULT '{}',
  finished_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, generation)
);

-- Per-example evaluation of a candidate on a model.
CREATE TABLE evaluations (
  run_id             text NOT NULL,
  candidate_hash     text NOT NULL,
  model              text NOT NULL,
  example_id         text NOT NULL,
  output             jsonb,
  raw_output         text,
  score              double precision NOT NULL,
  feedback           text,
  prompt_tokens      integer NOT NULL DEFAULT 0,
  completion_tokens  integer NOT NULL DEFAULT 0,
  latency_ms         integer NOT NULL DEFAULT 0,
  cached             boolean NOT NULL DEFAULT false,
  cost_usd           double precision NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, candidate_hash, model, example_id),
  FOREIGN KEY (run_id, candidate_hash) REFERENCES candidates(run_id, hash) ON DELETE CASCADE
);

-- Every model response, keyed by a hash of the canonical request, so nothing is paid for twice.
CREATE TABLE response_cache (
  key                text PRIMARY KEY,
  model              text NOT NULL,
  request            jsonb NOT NULL,
  response           jsonb NOT NULL,
  prompt_tokens      integer NOT NULL,
  completion_tokens  integer NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- Ledger of every model call a run made, one row per distinct request. `cached` is true when
-- the answer came from response_cache instead of the provider. A retried activity finds its row
-- already written, so spend is never counted twice; per-generation and per-model totals are sums.
CREATE TABLE model_calls (
  run_id             text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  request_key        text NOT NULL,
  generation         integer NOT NULL,
  model              text NOT NULL,
  purpose            text NOT NULL,
  cached             boolean NOT NULL,
  prompt_tokens      integer NOT NULL DEFAULT 0,
  completion_tokens  integer NOT NULL DEFAULT 0,
  cost_usd           double precision NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, request_key)
);
CREATE INDEX model_calls_generation ON model_calls (run_id, generation, model);

-- Health checks recorded by `promptevo doctor` through a real worker.
CREATE TABLE doctor_checks (
  id           bigserial PRIMARY KEY,
  workflow_id  text NOT NULL UNIQUE,
  worker       text NOT NULL,
  checks       jsonb NOT NULL,
  checked_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE doctor_checks, model_calls, response_cache, evaluations, generations, candidates, examples, runs;
