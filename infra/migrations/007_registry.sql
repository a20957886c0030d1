-- Up Migration

-- The prompt registry (docs/REGISTRY.md). Versions are immutable and outlive their runs: no foreign
-- key to `runs`, and provenance is copied in. A version is numbered per name and content-addressed
-- (core/registry/version.ts): publishing the same content under a name again finds the version
-- it already has.
CREATE TABLE registry_versions (
  name        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  hash        text NOT NULL,
  -- VersionContent: signature, genome (trace demos only), model id, decoding settings.
  content     jsonb NOT NULL,
  -- The task's metric, so a promotion scores both versions the way the run did.
  metric      jsonb NOT NULL,
  -- The endpoint the version was scored on (a ModelSpec: base URL, model id, key *variable name*, limits).
  endpoint    jsonb NOT NULL,
  -- Where it came from: run id, candidate hash, what was published (best | candidate | distilled), task,
  -- dataset hash, validation and test scores, and the content hashes of the examples it was
  -- optimized on (train and validation), which a promotion set must not contain.
  source      jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version),
  UNIQUE (name, hash)
);

-- A label points at one version of a name; it moves only by compare-and-swap (storage/registry.ts).
CREATE TABLE registry_labels (
  name      text NOT NULL,
  label     text NOT NULL,
  version   integer NOT NULL,
  moved_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, label),
  FOREIGN KEY (name, version) REFERENCES registry_versions (name, version)
);

-- Every label move, kept: who, when, why, how (publish, promote, force, rollback) and the evidence.
CREATE TABLE registry_label_moves (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  label         text NOT NULL,
  from_version  integer,
  to_version    integer NOT NULL,
  how           text NOT NULL CHECK (how IN ('publish', 'first', 'promote', 'force', 'rollback')),
  moved_by      text NOT NULL,
  reason        text,
  -- A promotion's decision (test, p-value, interval, n, discordant pairs, cost), when there was one.
  evidence      jsonb,
  moved_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_label_moves_name ON registry_label_moves (name, label, id);

-- A gated promotion: champion and challenger scored on the same promotion set. Its model calls are
-- booked in the ledger under a `runs` row of kind 'promotion' whose id is the workflow id.
CREATE TABLE registry_promotions (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  label        text NOT NULL,
  champion     integer,
  challenger   integer NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'promoted', 'refused', 'failed')),
  decision     jsonb,
  requested_by text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

ALTER TABLE runs ADD COLUMN kind text NOT NULL DEFAULT 'optimize' CHECK (kind IN ('optimize', 'promotion'));

-- Down Migration
ALTER TABLE runs DROP COLUMN kind;
DROP TABLE registry_promotions, registry_label_moves, registry_labels, registry_versions;
