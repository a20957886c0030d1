import type { Example } from '../core/data/example.js';
import type { SplitName } from '../core/data/seed-demos.js';
import type { Demo } from '../core/genome/genome.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { type Db } from '../platform/db.js';

export type { SplitName } from '../core/data/seed-demos.js';
type Trace = Extract<Demo, { kind: 'trace' }>;

/** PostgreSQL access for a run's immutable parts: its spec and its examples. Specs are cached per process. */
export class RunStore {
  private readonly runs = new Map<string, { spec: TaskSpec; taskFile: string }>();

  constructor(readonly db: Db) {}

  async spec(runId: string): Promise<TaskSpec> {
    return (await this.run(runId)).spec;
  }

  async taskFile(runId: string): Promise<string> {
    return (await this.run(runId)).taskFile;
  }

  private async run(runId: string): Promise<{ spec: TaskSpec; taskFile: string }> {
    const known = this.runs.get(runId);
    if (known) return known;
    const { rows } = await this.db.query<{ spec: TaskSpec; task_file: string }>(
      'SELECT spec, task_file FROM runs WHERE id = $1',
      [runId],
    );
    const row = rows[0];
    if (!row) throw new Error(`run ${runId} is not in the database (schema may be wrong, or the run was deleted)`);
    const run = { spec: row.spec, taskFile: row.task_file };
    this.runs.set(runId, run);
    return run;
  }

  async examples(runId: string, ids: readonly string[]): Promise<Map<string, Example>> {
    const { rows } = await this.db.query<{
      example_id: string;
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    }>('SELECT example_id, inputs, outputs FROM examples WHERE run_id = $1 AND example_id = ANY($2)', [runId, ids]);
    const found = new Map(rows.map((r) => [r.example_id, { id: r.example_id, inputs: r.inputs, outputs: r.outputs }]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new Error(`run ${runId}: examples not found: ${missing.slice(0, 5).join(', ')}`);
    return found;
  }

  /**
   * A program's passing answers (with reasoning where it gave some) on the given examples, as
   * trace demos: the teacher's traces in distillation.
   */
  async passingTraces(runId: string, hash: string, label: string, ids: readonly string[]): Promise<Trace[]> {
    const { rows } = await this.db.query<{
      example_id: string;
      inputs: Record<string, unknown>;
      output: Record<string, unknown> & { reasoning?: unknown };
    }>(
      `SELECT v.example_id, e.inputs, v.output
         FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
        WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND v.example_id = ANY($4)
          AND v.score >= 1 AND v.output IS NOT NULL
        ORDER BY v.example_id`,
      [runId, hash, label, ids],
    );
    return rows.map((r) => {
      const { reasoning, ...outputs } = r.output;
      const trace: Trace = { kind: 'trace', inputs: r.inputs, outputs, sourceExampleId: r.example_id };
      if (typeof reasoning === 'string' && reasoning.trim() !== '') trace.reasoning = reasoning;
      return trace;
    });
  }

  /** The split of each given example id that the run has. */
  async splitOf(runId: string, ids: readonly string[]): Promise<Map<string, SplitName>> {
    const { rows } = await this.db.query<{ example_id: string; split: SplitName }>(
      'SELECT example_id, split FROM examples WHERE run_id = $1 AND example_id = ANY($2)',
      [runId, ids],
    );
    return new Map(rows.map((r) => [r.example_id, r.split]));
  }

  async splitIds(runId: string, split: SplitName): Promise<string[]> {
    const { rows } = await this.db.query<{ example_id: string }>(
      'SELECT example_id FROM examples WHERE run_id = $1 AND split = $2 ORDER BY ordinal',
      [runId, split],
    );
    return rows.map((r) => r.example_id);
  }

  /** The same totals per model. */
  async spendByModel(runId: string): Promise<SpendByModel> {
    const { rows } = await this.db.query<{
      model: string;
      calls: string;
      cached: string;
      tokens: string;
      cost: number;
    }>(
      `SELECT model, calls, cached_calls AS cached, tokens, cost_usd AS cost
         FROM run_spend WHERE run_id = $1 ORDER BY model`,
      [runId],
    );
    return Object.fromEntries(
      rows.map((r) => [
        r.model,
        { calls: Number(r.calls), cachedCalls: Number(r.cached), tokens: Number(r.tokens), costUsd: r.cost },
      ]),
    );
  }

  /** Totals of what the run has paid for so far (cache hits cost nothing). */
  async spend(runId: string): Promise<RunSpend> {
    const { rows } = await this.db.query<{ calls: string; cached: string; tokens: string; cost: number }>(
      `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(cached_calls), 0) AS cached,
              coalesce(sum(tokens), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost
         FROM run_spend WHERE run_id = $1`,
      [runId],
    );
    const r = rows[0];
    return {
      calls: Number(r?.calls ?? 0),
      cachedCalls: Number(r?.cached ?? 0),
      tokens: Number(r?.tokens ?? 0),
      costUsd: r?.cost ?? 0,
    };
  }
}

export type SpendByModel = Record<string, RunSpend>;

export interface RunSpend {
  calls: number;
  cachedCalls: number;
  tokens: number;
  costUsd: number;
}
