import { programLabel } from '../core/engine/distill.js';
import type { FitnessModel, GenerationInput, ProposalResult, Stage } from '../core/engine/types.js';
import { genomeHash, type Demo, type Genome } from '../core/genome/genome.js';
import { parseModelOutput } from '../core/genome/parse-output.js';
import { renderTaskMessages, resolveDemos, responseFormatForGenome } from '../core/genome/render.js';
import { metricFromSpec, scoreMetric } from '../core/metrics/registry.js';
import type { OperatorContext, ShownExample } from '../core/operators/operator.js';
import { operatorFromName } from '../core/operators/registry.js';
import { Rng } from '../core/rng.js';
import type { OperatorName } from '../core/task/search-spec.js';
import { mapBounded } from './concurrency.js';
import { withHeartbeat } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';
import { expectJson, loadGenome, modelForRole } from './evaluate.js';
import { externalScorer } from './metric-scorer.js';
import type { ModelGateway } from './model-gateway.js';
import type { RunStore } from './run-store.js';

export interface ProposeInput {
  runId: string;
  generation: number;
  operator: OperatorName;
  parentHashes: string[];
  /** Seeds the operator's own choices and the meta call, so a retry proposes the same child. */
  seed: number;
  /** Distillation: failures are the student's and demos come from the teacher's traces. */
  stage?: Stage;
  fitness?: FitnessModel;
  teacher?: GenerationInput['teacher'];
}

/** Failures shown to the reflective operator, and train examples tried for bootstrapped demos. */
const REFLECT_EXAMPLES = 4;
const BOOTSTRAP_TRIES = 4;

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
    if (name === 'reflect') ctx.examples = await failuresOf(input.parentHashes[0]!, rng);
    const teacher = input.teacher;
    const teacherPool = async (): Promise<Extract<Demo, { kind: 'trace' }>[]> =>
      store.passingTraces(
        runId,
        teacher!.hash,
        programLabel(teacher!.model, teacher!.program),
        await store.splitIds(runId, 'train'),
      );
    if (name === 'demo') ctx.demoPool = teacher ? await teacherPool() : await trainDemoPool();
    if (name === 'bootstrap') ctx.passingTraces = teacher ? await teacherPool() : await passingTraces(parents[0]!, rng);

    let result;
    if (operator.kind === 'llm') {
      const meta = spec.roles.meta;
      const endpoint = spec.models[meta]!;
      const reply = await gateway.call({
        runId,
        generation,
        purpose: `${stage === 'distill' ? 'distill:' : ''}propose:${name}`,
        modelName: meta,
        endpoint,
        messages: operator.buildMetaPrompt(ctx),
        temperature: Math.max(endpoint.temperature, 0.7),
        seed: input.seed,
      });
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

    async function failuresOf(hash: string, choose: Rng): Promise<ShownExample[]> {
      const { rows } = await db.query<{
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
        output: unknown;
        raw_output: string;
        feedback: string | null;
      }>(
        `SELECT e.inputs, e.outputs, v.output, v.raw_output, v.feedback
           FROM evaluations v JOIN examples e ON e.run_id = v.run_id AND e.example_id = v.example_id
          WHERE v.run_id = $1 AND v.candidate_hash = $2 AND v.model = $3 AND v.score < 1
          ORDER BY v.score, v.example_id LIMIT 40`,
        [runId, hash, input.fitness && input.fitness !== 'dev' ? input.fitness.model : spec.roles.dev],
      );
      return choose.sample(rows, REFLECT_EXAMPLES).map((r) => ({
        inputs: r.inputs,
        expected: r.outputs,
        got: r.output ?? r.raw_output,
        ...(r.feedback ? { feedback: r.feedback } : {}),
      }));
    }

    async function trainDemoPool(): Promise<Demo[]> {
      const ids = await store.splitIds(runId, 'train');
      return ids.map((exampleId) => ({ kind: 'example', exampleId }));
    }

    /** Runs the parent on a few train examples; answers that pass the metric become trace demos. */
    async function passingTraces(parent: Genome, choose: Rng): Promise<Extract<Demo, { kind: 'trace' }>[]> {
      const modelName = modelForRole(spec, 'dev');
      const endpoint = spec.models[modelName]!;
      const trainIds = choose.sample(await store.splitIds(runId, 'train'), BOOTSTRAP_TRIES);
      const demoIds = parent.demos.flatMap((d) => (d.kind === 'example' ? [d.exampleId] : []));
      const examples = await store.examples(runId, [...new Set([...trainIds, ...demoIds])]);
      const demos = resolveDemos(parent.demos, examples);
      const metric = metricFromSpec(spec.metric, spec.signature);
      const scorer = externalScorer({ runId, generation, spec, taskFile: await store.taskFile(runId), gateway });
      const responseFormat = endpoint.structuredOutput ? responseFormatForGenome(parent, spec.signature) : undefined;
      const traces = await mapBounded(trainIds, endpoint.maxConcurrency, async (id) => {
        const example = examples.get(id)!;
        const reply = await gateway.call({
          runId,
          generation,
          purpose: 'propose:bootstrap',
          modelName,
          endpoint,
          messages: renderTaskMessages(parent, spec.signature, demos, example.inputs),
          ...(responseFormat ? { responseFormat: responseFormat as unknown as Record<string, unknown> } : {}),
          temperature: 0,
          ...(responseFormat ? { validate: expectJson } : {}),
        });
        const parsed = parseModelOutput(reply.content, spec.signature);
        if (!parsed.ok) return undefined;
        const scored = await scoreMetric(
          metric,
          parsed.outputs,
          example.outputs,
          { signature: spec.signature, inputs: example.inputs },
          scorer,
        );
        if (scored.score < 1) return undefined;
        const trace: Extract<Demo, { kind: 'trace' }> = {
          kind: 'trace',
          inputs: example.inputs,
          outputs: parsed.outputs,
          sourceExampleId: id,
        };
        if (parsed.reasoning) trace.reasoning = parsed.reasoning;
        return trace;
      });
      return traces.filter((t): t is Extract<Demo, { kind: 'trace' }> => t !== undefined);
    }
  }
}
