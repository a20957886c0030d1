-- Up Migration

-- Distillation evolves candidates too; its rounds are kept apart from the run's own generations.
ALTER TABLE generations ADD COLUMN stage text NOT NULL DEFAULT 'evolve' CHECK (stage IN ('evolve', 'distill'));
ALTER TABLE generations DROP CONSTRAINT generations_pkey;
ALTER TABLE generations ADD PRIMARY KEY (run_id, stage, generation);
ALTER TABLE candidates ADD COLUMN stage text NOT NULL DEFAULT 'evolve' CHECK (stage IN ('evolve', 'distill'));

-- A program (candidate, on a model, optionally as a voted multi-sample program) summarised on a
-- split: what `production` scoring and distillation report. `model` is the evaluation label
-- (the model name, or name:vote<n> for a voted program); per-call figures cover all its samples.
CREATE TABLE program_scores (
  run_id                  text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  purpose                 text NOT NULL CHECK (purpose IN ('production', 'distill-teacher', 'distill-student')),
  candidate_hash          text NOT NULL,
  model                   text NOT NULL,
  split                   text NOT NULL,
  examples                integer NOT NULL,
  accuracy                double precision NOT NULL,
  prompt_tokens_per_call  double precision NOT NULL,
  completion_tokens_per_call double precision NOT NULL,
  latency_ms_mean         double precision NOT NULL,
  latency_ms_p95          double precision NOT NULL,
  cost_per_1k_usd         double precision NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, purpose, candidate_hash, model, split)
);

-- One distillation per run (the latest attempt); its result as returned by the workflow.
CREATE TABLE distillations (
  run_id       text PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'running',
  config       jsonb NOT NULL,
  result       jsonb,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- Down Migration
DROP TABLE distillations, program_scores;
ALTER TABLE candidates DROP COLUMN stage;
ALTER TABLE generations DROP CONSTRAINT generations_pkey;
DELETE FROM generations WHERE stage <> 'evolve';
ALTER TABLE generations DROP COLUMN stage;
ALTER TABLE generations ADD PRIMARY KEY (run_id, generation);
