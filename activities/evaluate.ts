import { heartbeat } from '@temporalio/activity';
import { resolveDemos } from '../core/genome/render.js';
import { metricFromSpec } from '../core/metrics/registry.js';
import { programLabel, samplingOf } from '../core/program/program.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { loadGenome } from '../storage/candidates.js';
import { insertEvaluations, storedScores, type EvaluationOwner, type NewEvaluation } from '../storage/evaluations.js';
import type { RunStore } from '../storage/run-store.js';
import { readRunSpend } from '../storage/spend.js';
import { mapBounded } from './concurrency.js';
import type { ActivityDeps } from './deps.js';
import { externalScorer } from './metric-scorer.js';
import type { ModelGateway } from './model-gateway.js';
import { programRequests } from '../core/program/request.js';
import { gatewayCall, gatewayRequest, programRunner, type CallSite } from './program-runner.js';
import { splitIds } from '../storage/examples.js';
import type {
  EvaluateInput,
  EvaluationResult,
  ModelRole,
  ValidationScores,
  ValidationScoresInput,
} from '../contracts/index.js';

export function modelForRole(spec: TaskSpec, role: ModelRole): string {
  if (typeof role === 'object') return 'model' in role ? role.model : role.production;
  const name = role === 'dev' ? spec.roles.dev : role === 'meta' ? spec.roles.meta : spec.roles[role];
  if (!name) throw new Error(`the task has no ${role} model; set roles.${role}`);
  return name;
}

/**
 * Evaluates one candidate on a batch of examples against one model. Examples already evaluated
 * (by an earlier attempt of this activity, or another generation) are read back, not re-run.
 */
export function createEvaluateActivity({ db }: ActivityDeps, store: RunStore, gateway: ModelGateway) {
  return async function evaluateCandidate(input: EvaluateInput): Promise<EvaluationResult> {
    const { runId, hash, exampleIds } = input;
    const spec = await store.spec(runId);
    const modelName = modelForRole(spec, input.role);
    const endpoint = spec.models[modelName];
    if (!endpoint) throw new Error(`model "${modelName}" is not defined in the task's models`);
    const sampling = samplingOf(input.program);
    const label = programLabel(modelName, sampling);
    const scores = await storedScores(db, runId, hash, label, exampleIds);
    const todo = exampleIds.filter((id) => !scores.has(id));
    if (todo.length > 0) {
      const genome = await loadGenome(db, runId, hash);
      const demoIds = genome.demos.flatMap((d) => (d.kind === 'example' ? [d.exampleId] : []));
      const examples = await store.examples(runId, [...new Set([...todo, ...demoIds])]);
      const demos = resolveDemos(genome.demos, examples);
      const taskFile = await store.taskFile(runId);
      const program = { signature: spec.signature, genome, demos, ...(sampling ? { sampling } : {}) };
      const site: CallSite = { runId, generation: input.generation, purpose: input.purpose, modelName, endpoint };
      // The batch's cache answers in one query; the gateway still books every call as it is made.
      const lookup = await gateway.lookUp(
        todo.flatMap((id) =>
          programRequests(program, examples.get(id)!.inputs, endpoint).map((r) => gatewayRequest(site, r)),
        ),
      );
      const runExample = programRunner({
        program,
        call: gatewayCall(gateway, site, lookup),
        structuredOutput: endpoint.structuredOutput,
        metric: metricFromSpec(spec.metric, spec.signature),
        scorer: externalScorer({ runId, generation: input.generation, spec, taskFile, gateway }),
      });
      // Evaluations are written together: every FLUSH_EVERY answers and when the activity ends (also
      // on failure). An answer lost with a crashed worker is in the response cache: its retry pays nothing.
      let pending: Omit<NewEvaluation, keyof EvaluationOwner>[] = [];
      const flush = async (): Promise<void> => {
        const rows = pending;
        pending = [];
        await insertEvaluations(db, { runId, hash, model: label }, rows);
      };
      try {
        await mapBounded(todo, endpoint.maxConcurrency, async (exampleId) => {
          const { output, raw, result, reply } = await runExample(examples.get(exampleId)!);
          pending.push({
            exampleId,
            output,
            raw,
            score: result.score,
            feedback: result.feedback ?? null,
            promptTokens: reply.promptTokens,
            completionTokens: reply.completionTokens,
            latencyMs: reply.latencyMs,
            cached: reply.cached,
            costUsd: reply.costUsd,
          });
          scores.set(exampleId, result.score);
          if (pending.length >= FLUSH_EVERY) await flush();
          heartbeat({ done: scores.size, total: exampleIds.length });
        });
      } finally {
        await flush();
      }
    }
    const ordered = exampleIds.map((id) => round(scores.get(id) ?? 0));
    return {
      hash,
      model: label,
      scores: ordered,
      mean: ordered.reduce((a, b) => a + b, 0) / Math.max(1, ordered.length),
      spend: await readRunSpend(db, runId),
    };
  };
}

/**
 * Members' validation scores read back from storage, in the order of the run's validation split:
 * what `Member.stored` leaves out of workflow payloads. No model call; null for a member with any
 * example not evaluated under this role's model.
 */
export function createValidationScoresActivity({ db }: ActivityDeps, store: RunStore) {
  return async function validationScores(input: ValidationScoresInput): Promise<ValidationScores[]> {
    const spec = await store.spec(input.runId);
    const label = programLabel(modelForRole(spec, input.role));
    const valIds = await splitIds(db, input.runId, 'val');
    return Promise.all(
      input.hashes.map(async (hash) => {
        const stored = await storedScores(db, input.runId, hash, label, valIds);
        const scores = valIds.map((id) => stored.get(id));
        return { hash, scores: scores.every((s) => s !== undefined) ? scores.map(round) : null };
      }),
    );
  };
}

/** Evaluations written per statement at most (an activity of EVAL_BATCH examples writes once). */
const FLUSH_EVERY = 50;

/** Scores travel through workflow history: four decimals are plenty and keep it small. */
function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
