import {
  chooseTraceDemos,
  programLabel,
  type CallProgram,
  type DistillConfig,
  type ProgramScore,
} from '../core/engine/distill.js';
import type { Spend } from '../core/engine/types.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { genomeHash, normalizeGenome, type Genome } from '../core/genome/genome.js';
import { Rng } from '../core/rng.js';
import type { ActivityDeps } from './deps.js';
import { loadGenome } from './evaluate.js';
import { costOf } from './model-gateway.js';
import type { RunStore } from './run-store.js';

export interface ProgramRef {
  hash: string;
  /** The model's name in the task. */
  model: string;
  program?: CallProgram;
}

/** Production scoring and distillation: summaries of programs on a split, and the student's seed. */
export function createDistillActivities({ db }: ActivityDeps, store: RunStore) {
  /** Stores a candidate made by distillation (content-addressed, so a retry is harmless). */
  async function storeCandidate(
    runId: string,
    genome: Genome,
    parents: string[],
    operator: string,
    note: string,
  ): Promise<string> {
    const normalized = normalizeGenome(genome);
    const hash = genomeHash(normalized);
    await db.query(
      `INSERT INTO candidates (run_id, hash, genome, parent_hashes, operator, generation, note, stage)
       VALUES ($1, $2, $3, $4, $5, 0, $6, 'distill') ON CONFLICT (run_id, hash) DO NOTHING`,
      [runId, hash, JSON.stringify(normalized), parents, operator, note],
    );
    return hash;
  }

  return {
    /**
     * Accuracy, tokens and latency per call and cost per 1,000 calls of each program on the given
     * examples, from its stored evaluations; stored in `program_scores` and returned.
     */
    async summarizePrograms(input: {
      runId: string;
      purpose: 'production' | 'distill-teacher' | 'distill-student';
      split: string;
      exampleIds: string[];
      programs: ProgramRef[];
    }): Promise<ProgramScore[]> {
      const spec = await store.spec(input.runId);
      const out: ProgramScore[] = [];
      for (const ref of input.programs) {
        const endpoint = spec.models[ref.model];
        if (!endpoint) throw new Error(`model "${ref.model}" is not defined in the task's models`);
        const label = programLabel(ref.model, ref.program);
        const { rows } = await db.query<{
          n: string;
          accuracy: number | null;
          prompt: number | null;
          completion: number | null;
          latency: number | null;
          p95: number | null;
        }>(
          `SELECT count(*) AS n, avg(score) AS accuracy, avg(prompt_tokens)::float8 AS prompt,
                  avg(completion_tokens)::float8 AS completion, avg(latency_ms)::float8 AS latency,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
             FROM evaluations WHERE run_id = $1 AND candidate_hash = $2 AND model = $3 AND example_id = ANY($4)`,
          [input.runId, ref.hash, label, input.exampleIds],
        );
        const r = rows[0]!;
        const examples = Number(r.n);
        if (examples === 0) continue;
        const prompt = r.prompt ?? 0;
        const completion = r.completion ?? 0;
        const score: ProgramScore = {
          hash: ref.hash,
          model: label,
          split: input.split,
          examples,
          accuracy: r.accuracy ?? 0,
          promptTokensPerCall: prompt,
          completionTokensPerCall: completion,
          latencyMsMean: r.latency ?? 0,
          latencyMsP95: r.p95 ?? 0,
          costPer1kUsd: 1000 * costOf(endpoint, prompt, completion),
        };
        await db.query(
          `INSERT INTO program_scores (run_id, purpose, candidate_hash, model, split, examples, accuracy,
             prompt_tokens_per_call, completion_tokens_per_call, latency_ms_mean, latency_ms_p95, cost_per_1k_usd)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (run_id, purpose, candidate_hash, model, split) DO UPDATE SET examples = EXCLUDED.examples,
             accuracy = EXCLUDED.accuracy, prompt_tokens_per_call = EXCLUDED.prompt_tokens_per_call,
             completion_tokens_per_call = EXCLUDED.completion_tokens_per_call, latency_ms_mean = EXCLUDED.latency_ms_mean,
             latency_ms_p95 = EXCLUDED.latency_ms_p95, cost_per_1k_usd = EXCLUDED.cost_per_1k_usd, created_at = now()`,
          [
            input.runId,
            input.purpose,
            ref.hash,
            label,
            input.split,
            examples,
            score.accuracy,
            prompt,
            completion,
            score.latencyMsMean,
            score.latencyMsP95,
            score.costPer1kUsd,
          ],
        );
        out.push(score);
      }
      return out;
    },

    /**
     * Starts (or restarts) a distillation: records it, reads the splits and the run's spend so far,
     * and makes the teacher's program (its winner, thinking before answering when asked).
     */
    async prepareDistill(input: { runId: string; teacherHash: string; config: DistillConfig }): Promise<{
      trainIds: string[];
      valIds: string[];
      testIds: string[];
      startSpend: Spend;
      teacherHash: string;
      spec: TaskSpec;
    }> {
      const { runId, config } = input;
      const spec = await store.spec(runId);
      for (const model of [config.teacher, config.student]) {
        if (!spec.models[model]) throw new Error(`model "${model}" is not one of run ${runId}'s models`);
      }
      await db.query(
        `INSERT INTO distillations (run_id, status, config) VALUES ($1, 'running', $2)
         ON CONFLICT (run_id) DO UPDATE SET status = 'running', config = EXCLUDED.config, result = NULL,
           started_at = now(), finished_at = NULL`,
        [runId, JSON.stringify({ ...config, teacherHash: input.teacherHash })],
      );
      let teacherHash = input.teacherHash;
      const reasoning = config.teacherProgram?.reasoning;
      if (reasoning) {
        const winner = await loadGenome(store, runId, input.teacherHash);
        if (winner.sections.reasoning !== reasoning) {
          teacherHash = await storeCandidate(
            runId,
            { ...winner, sections: { ...winner.sections, reasoning } },
            [input.teacherHash],
            'distill-teacher',
            `teacher program: ${reasoning === 'think' ? 'think, then answer' : 'answer directly'}`,
          );
        }
      }
      const [trainIds, valIds, testIds, startSpend] = await Promise.all([
        store.splitIds(runId, 'train'),
        store.splitIds(runId, 'val'),
        store.splitIds(runId, 'test'),
        store.spend(runId),
      ]);
      return { trainIds, valIds, testIds, startSpend, teacherHash, spec };
    },

    /**
     * The student's first program: the teacher's instruction as a direct call, with demos chosen
     * from the teacher's traces on the training inputs whose answers passed the metric.
     */
    async seedStudent(input: {
      runId: string;
      teacherHash: string;
      teacher: ProgramRef;
      trainIds: string[];
      seed: number;
    }): Promise<{ hash: string; demoPool: number }> {
      const { runId } = input;
      const spec = await store.spec(runId);
      const pool = await store.passingTraces(
        runId,
        input.teacher.hash,
        programLabel(input.teacher.model, input.teacher.program),
        input.trainIds,
      );
      const teacher = await loadGenome(store, runId, input.teacherHash);
      const demos = chooseTraceDemos(pool, spec.search.maxDemos, Rng.fromSeed(`distill:${input.seed}`));
      const hash = await storeCandidate(
        runId,
        { sections: { ...teacher.sections, reasoning: 'direct' }, demos },
        [input.teacherHash],
        'distill-bootstrap',
        `teacher's instruction as a direct call + ${demos.length} of ${pool.length} passing teacher traces`,
      );
      return { hash, demoPool: pool.length };
    },

    /** Marks the run's distillation finished with its result. */
    async finishDistill(input: { runId: string; status: string; result: unknown }): Promise<void> {
      await db.query(`UPDATE distillations SET status = $2, result = $3, finished_at = now() WHERE run_id = $1`, [
        input.runId,
        input.status,
        JSON.stringify(input.result),
      ]);
    },
  };
}
