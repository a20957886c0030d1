import { programLabel } from '../core/engine/distill.js';
import type { FitnessModel, GenerationInput, ProposalResult, Stage } from '../core/engine/types.js';
import { genomeHash, type Demo } from '../core/genome/genome.js';
import type { OperatorContext, ShownExample } from '../core/operators/operator.js';
import { operatorFromName } from '../core/operators/registry.js';
import { Rng } from '../core/rng.js';
import type { OperatorName } from '../core/task/search-spec.js';
import { withHeartbeat } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';
import { loadGenome } from './evaluate.js';
import type { ModelGateway } from './model-gateway.js';
import { isContextLengthFailure } from './provider-errors.js';
import type { RunStore } from './run-store.js';

export interface ProposeInput {
  runId: string;
  generation: number;
  operator: OperatorName;
  parentHashes: string[];
  /** Seeds the operator's own choices and the meta call, so a retry proposes the same child. */
  seed: number;
  /**
   * The generation's screening minibatch: failures on these come first in what the meta model is
   * shown, since beating the parent there is what the child is screened on.
   */
  focusIds?: string[];
  /** Distillation: failures are the student's and demos come from the teacher's traces. */
  stage?: Stage;
  fitness?: FitnessModel;
  teacher?: GenerationInput['teacher'];
}

/**
 * Applies one operator to its parents: builds the meta-prompt, calls the meta model when the
 * operator needs it, guards the child, and stores it. Content-addressed storage makes a retry
 * (or a concurrent proposal of the same child) harmless.
 */
export function createProposeActivity({ db }: ActivityDeps, store: RunStore, gateway: ModelGateway) {
  return (input: ProposeInput): Promise<ProposalResult> => withHeartbeat(() => proposeCandidate(input));

  async function proposeCandidate(input: ProposeInput): Promise<ProposalResult> {
    const { runId, generation, operator: name } = input;
    const stage = input.stage ?? 'evolve';
    const spec = await store.spec(runId);
    const operator = operatorFromName(name);
    const parents = await Promise.all(input.parentHashes.map((h) => loadGenome(store, runId, h)));
    const rng = Rng.fromSeed(`propose:${input.seed}`);
    const existing = await db.query<{ hash: string }>('SELECT hash FROM candidates WHERE run_id = $1', [runId]);
    const ctx: OperatorContext = {
      parents,
      signature: spec.signature,
      rng,
      limits: { maxPromptChars: spec.search.maxPromptChars, maxDemos: spec.search.maxDemos },
      existingHashes: new Set(existing.rows.map((r) => r.hash)),
    };
    if (name === 'merge' && input.parentHashes.length >= 2) {
      const ancestor = await commonAncestor(input.parentHashes[0]!, input.parentHashes[1]!);
      if (ancestor) ctx.ancestor = await loadGenome(store, runId, ancestor);
    }
    // Everything shown to the meta model or turned into a demo comes from the train split.
    const trainIds = await store.splitIds(runId, 'train');
    const fitnessModel = input.fitness && input.fitness !== 'dev' ? input.fitness.model : spec.roles.dev;
    ctx.examples = await evidenceFor(name, input.parentHashes, rng);
    const teacher = input.teacher;
    const teacherPool = (): Promise<Extract<Demo, { kind: 'trace' }>[]> =>
      store.passingTraces(runId, teacher!.hash, programLabel(teacher!.model, teacher!.program), trainIds);
    if (name === 'demo') {
      ctx.demoPool = teacher ? await teacherPool() : trainIds.map((exampleId) => ({ kind: 'example', exampleId }));
    }
    if (name === 'bootstrap') {
      // The parent's own passing answers on train examples it was screened on: no extra model call.
      ctx.passingTraces = teacher
        ? await teacherPool()
        : await store.passingTraces(runId, input.parentHashes[0]!, fitnessModel, trainIds);
    }
    const idle = nothingToWorkOn(name, ctx);
    if (idle) return { status: 'skipped', operator: name, reason: idle, spend: await store.spend(runId) };

    let result;
    if (operator.kind === 'llm') {
      const meta = spec.roles.meta;
      const endpoint = spec.models[meta]!;
      let reply;
      try {
        reply = await gateway.call({
          runId,
          generation,
          purpose: `${stage === 'distill' ? 'distill:' : ''}propose:${name}`,
          modelName: meta,
          endpoint,
          messages: operator.buildMetaPrompt(ctx),
          temperature: Math.max(endpoint.temperature, 0.7),
          seed: input.seed,
        });
      } catch (err) {
        // A meta-prompt too long for the meta model's context rejects this child, not the run.
        if (!isContextLengthFailure(err)) throw err;
        return { status: 'rejected', operator: name, reason: err.message, spend: await store.spend(runId) };
      }
      result = operator.parseReply(reply.content, ctx);
    } else {
      result = operator.apply(ctx);
    }
    const spend = await store.spend(runId);
    if (!result.ok) return { status: 'rejected', operator: name, reason: result.reason, spend };
    const hash = genomeHash(result.genome);
    await db.query(
      `INSERT INTO candidates (run_id, hash, genome, parent_hashes, operator, generation, note, stage)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, hash) DO NOTHING`,
      [runId, hash, JSON.stringify(result.genome), input.parentHashes, name, generation, result.note, stage],
    );
    return { status: 'created', hash, operator: name, parents: input.parentHashes, spend };

    async function commonAncestor(a: string, b: string): Promise<string | undefined> {
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

    /**
     * Train failures shown to the meta model: reflect needs them; mutate, crossover and differential
     * get them as evidence unless `search.operatorEvidence` is off.
     */
    async function evidenceFor(op: OperatorName, parents: string[], choose: Rng): Promise<ShownExample[] | undefined> {
      const count = spec.search.reflectExamples;
      if (op === 'reflect' || (op === 'mutate' && spec.search.operatorEvidence)) {
        return failuresOf(parents[0]!, undefined, choose, count);
      }
      if (!spec.search.operatorEvidence) return undefined;
      if (op === 'crossover') return failuresOf(parents[0]!, parents[1], choose, count);
      if (op === 'differential') return failuresOf(parents[3] ?? parents[0]!, undefined, choose, count);
      return undefined;
    }

    /**
     * Up to `count` of `hash`'s failures on train, drawn at random within groups taken in order:
     * failures on the generation's minibatch first (with `rival`, those the rival answered right on
     * the same model before the others), then the rest likewise.
     */
    async function failuresOf(
      hash: string,
      rival: string | undefined,
      choose: Rng,
      count: number,
    ): Promise<ShownExample[]> {
      const { rows } = await db.query<{
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
        output: unknown;
        raw_output: string;
        feedback: string | null;
        rival_passed: boolean;
        in_focus: boolean;
      }>(
        `SELECT e.inputs, e.outputs, v.output, v.raw_output, v.feedback,
                COALESCE(r.score >= 1, false) AS rival_passed, v.example_id = ANY($5::text[]) AS in_focus
           FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
           LEFT JOIN evaluations r ON r.run_id = v.run_id AND r.candidate_hash = $4 AND r.model = v.model
                                  AND r.example_id = v.example_id
          WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND v.score < 1 AND v.split = 'train'
          ORDER BY in_focus DESC, v.score, v.example_id LIMIT 40`,
        [runId, hash, fitnessModel, rival ?? null, input.focusIds ?? []],
      );
      const chosen: typeof rows = [];
      for (const [focus, passed] of [
        [true, true],
        [true, false],
        [false, true],
        [false, false],
      ] as const) {
        const group = rows.filter((r) => r.in_focus === focus && r.rival_passed === passed);
        chosen.push(...choose.sample(group, count - chosen.length));
      }
      return chosen.map((r) => ({
        inputs: r.inputs,
        expected: r.outputs,
        got: r.output ?? r.raw_output,
        ...(r.feedback ? { feedback: r.feedback } : {}),
      }));
    }
  }
}

/** Why an operator has nothing to work on (its slot is then drawn again), or undefined. */
function nothingToWorkOn(name: OperatorName, ctx: OperatorContext): string | undefined {
  if (name === 'reflect' && (ctx.examples ?? []).length === 0) {
    return 'the parent has no failures on the train examples it was screened on';
  }
  if (name === 'bootstrap' && (ctx.passingTraces ?? []).length === 0) {
    return 'the parent has no passing answers on train examples to turn into demos';
  }
  if (name === 'demo' && (ctx.demoPool ?? []).length === 0) return 'the demo pool is empty';
  return undefined;
}
