import { deserializeGenome, type Genome } from '../core/genome/genome.js';
import type { Db } from '../platform/db.js';
import type { Stage } from '../contracts/index.js';

/** A candidate prompt as stored: content-addressed by `hash` within its run. */
export interface NewCandidate {
  runId: string;
  hash: string;
  genome: Genome;
  parents: string[];
  operator: string;
  generation: number;
  note: string | null;
  stage: Stage;
}

/**
 * Stores a candidate. The hash is the genome's content address, so storing it again (a retry, or
 * a concurrent proposal of the same child) leaves the first row as it is.
 */
export async function insertCandidate(db: Db, c: NewCandidate): Promise<void> {
  await db.query(
    `INSERT INTO candidates (run_id, hash, genome, parent_hashes, operator, generation, note, stage)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, hash) DO NOTHING`,
    [c.runId, c.hash, JSON.stringify(c.genome), c.parents, c.operator, c.generation, c.note, c.stage],
  );
}

/** A stored candidate's genome and the operator that made it, or undefined. */
export async function findCandidate(
  db: Db,
  runId: string,
  hash: string,
): Promise<{ genome: Genome; operator: string } | undefined> {
  const { rows } = await db.query<{ genome: unknown; operator: string }>(
    'SELECT genome, operator FROM candidates WHERE run_id = $1 AND hash = $2',
    [runId, hash],
  );
  const row = rows[0];
  return row ? { genome: deserializeGenome(JSON.stringify(row.genome)), operator: row.operator } : undefined;
}

/** The genome of a candidate's primary parent (its first), or undefined for a candidate without one. */
export async function primaryParentGenome(db: Db, runId: string, hash: string): Promise<Genome | undefined> {
  const { rows } = await db.query<{ genome: unknown }>(
    `SELECT p.genome FROM candidates c
       JOIN candidates p ON p.run_id = c.run_id AND p.hash = c.parent_hashes[1]
      WHERE c.run_id = $1 AND c.hash = $2`,
    [runId, hash],
  );
  return rows[0] ? deserializeGenome(JSON.stringify(rows[0].genome)) : undefined;
}

/** A stored candidate's genome; one that is not stored is an error naming the run and hash. */
export async function loadGenome(db: Db, runId: string, hash: string): Promise<Genome> {
  const found = await findCandidate(db, runId, hash);
  if (!found) throw new Error(`run ${runId}: candidate ${hash} is not stored`);
  return found.genome;
}

export async function candidateExists(db: Db, runId: string, hash: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM candidates WHERE run_id = $1 AND hash = $2', [runId, hash]);
  return (rowCount ?? 0) > 0;
}

export async function candidateHashes(db: Db, runId: string): Promise<string[]> {
  const { rows } = await db.query<{ hash: string }>('SELECT hash FROM candidates WHERE run_id = $1', [runId]);
  return rows.map((r) => r.hash);
}

/** The nearest ancestor two candidates share (fewest steps up both lineages, 50 at most), if any. */
export async function commonAncestor(db: Db, runId: string, a: string, b: string): Promise<string | undefined> {
  const { rows } = await db.query<{ hash: string }>(
    `WITH RECURSIVE lineage(side, hash, depth) AS (
       SELECT 'a', $2::text, 0 UNION ALL SELECT 'b', $3::text, 0
       UNION
       SELECT l.side, p.parent, l.depth + 1
         FROM lineage l JOIN candidates c ON c.run_id = $1 AND c.hash = l.hash, unnest(c.parent_hashes) AS p(parent)
        WHERE l.depth < 50)
     SELECT x.hash FROM lineage x JOIN lineage y ON x.hash = y.hash AND x.side = 'a' AND y.side = 'b'
      WHERE x.hash <> $2 AND x.hash <> $3
      ORDER BY x.depth + y.depth, x.hash LIMIT 1`,
    [runId, a, b],
  );
  return rows[0]?.hash;
}

/** A candidate of the run's own evolution with its validation score on one model (when complete). */
export interface ScoredCandidate {
  hash: string;
  generation: number;
  operator: string;
  parents: string[];
  note: string | null;
  /** As stored; a reader deserializes only the genomes it shows. */
  genome: unknown;
  /** Mean score over the whole validation split; null until every validation example is scored. */
  val: number | null;
}

/** Every candidate of the run's own evolution, in the order they were made, with its validation score on `model`. */
export async function evolveCandidatesScored(
  db: Db,
  runId: string,
  model: string,
  valSize: number,
): Promise<ScoredCandidate[]> {
  const { rows } = await db.query<{
    hash: string;
    generation: number;
    operator: string;
    parent_hashes: string[];
    note: string | null;
    genome: unknown;
    val: number | null;
  }>(
    `SELECT c.hash, c.generation, c.operator, c.parent_hashes, c.note, c.genome,
            (SELECT CASE WHEN count(*) = $3 THEN avg(v.score) END
               FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id AND e.split = 'val'
              WHERE v.run_id = c.run_id AND v.candidate_hash = c.hash AND v.model = $2) AS val
       FROM candidates c WHERE c.run_id = $1 AND c.stage = 'evolve' ORDER BY c.generation, c.created_at, c.hash`,
    [runId, model, valSize],
  );
  return rows.map((c) => ({
    hash: c.hash,
    generation: c.generation,
    operator: c.operator,
    parents: c.parent_hashes,
    note: c.note,
    genome: c.genome,
    val: c.val,
  }));
}

/** Which part of the run made a candidate (`evolve` or `distill`), or undefined when it is not stored. */
export async function candidateStage(db: Db, runId: string, hash: string): Promise<Stage | undefined> {
  const { rows } = await db.query<{ stage: Stage }>('SELECT stage FROM candidates WHERE run_id = $1 AND hash = $2', [
    runId,
    hash,
  ]);
  return rows[0]?.stage;
}

/** The hashes of a run's candidates that start with `prefix` (the short hashes the CLI prints), at most `limit`. */
export async function candidateHashesStartingWith(db: Db, runId: string, prefix: string, limit = 5): Promise<string[]> {
  const { rows } = await db.query<{ hash: string }>(
    `SELECT hash FROM candidates WHERE run_id = $1 AND starts_with(hash, $2) ORDER BY hash LIMIT $3`,
    [runId, prefix.toLowerCase(), limit],
  );
  return rows.map((r) => r.hash);
}
