-- Up Migration

-- Every stored evaluation knows the split of its example, so what a meta model or a demo pool may
-- read (train only) and what final scoring reads (test) are told apart by a column, not by a join.
ALTER TABLE evaluations ADD COLUMN split text;

UPDATE evaluations v SET split = e.split FROM examples e WHERE e.run_id = v.run_id AND e.example_id = v.example_id;

ALTER TABLE evaluations ALTER COLUMN split SET NOT NULL;
ALTER TABLE evaluations ADD CONSTRAINT evaluations_split_check CHECK (split IN ('train', 'val', 'test'));
CREATE INDEX evaluations_candidate_split ON evaluations (run_id, candidate_hash, model, split);

-- Down Migration
DROP INDEX evaluations_candidate_split;
ALTER TABLE evaluations DROP COLUMN split;
