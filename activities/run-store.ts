import type { Example } from '../core/data/example.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { type Db } from '../platform/db.js';

export type SplitName = 'train' | 'val' | 'test';

/** PostgreSQL access for a run's immutable parts: its spec and its examples. Specs are cached per process. */
export class RunStore {
  private readonly specs = new Map<string, TaskSpec>();

  constructor(readonly db: Db) {}

  async spec(runId: string): Promise<TaskSpec> {
    const known = this.specs.get(runId);
    if (known) return known;
    const { rows } = await this.db.query<{ spec: TaskSpec }>('SELECT spec FROM runs WHERE id = $1', [runId]);
    const spec = rows[0]?.spec;
    if (!spec) throw new Error(`run ${runId} is not in the database (schema may be wrong, or the run was deleted)`);
    this.specs.set(runId, spec);
    return spec;
  }

  async taskFile(runId: string): Promise<string> {
    const { rows } = await this.db.query<{ task_file: string }>('SELECT task_file FROM runs WHERE id = $1', [runId]);
    if (!rows[0]) throw new Error(`run ${runId} is not in the database`);
    return rows[0].task_file;
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
      `SELECT model, count(*) FILTER (WHERE NOT cached) AS calls, count(*) FILTER (WHERE cached) AS cached,
              coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0) AS tokens,
              coalesce(sum(cost_usd), 0) AS cost
         FROM model_calls WHERE run_id = $1 GROUP BY model ORDER BY model`,
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
      `SELECT count(*) FILTER (WHERE NOT cached) AS calls, count(*) FILTER (WHERE cached) AS cached,
              coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE NOT cached), 0) AS tokens,
              coalesce(sum(cost_usd), 0) AS cost
         FROM model_calls WHERE run_id = $1`,
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
