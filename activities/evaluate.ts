import { heartbeat } from '@temporalio/activity';
import { majorityVote, programLabel } from '../core/engine/distill.js';
import { parseModelOutput, type ParsedOutput } from '../core/genome/parse-output.js';
import { renderTaskMessages, resolveDemos, responseFormatForGenome } from '../core/genome/render.js';
import type { MetricResult } from '../core/metrics/metric.js';
import { metricFromSpec, scoreMetric, unparsedOutputResult } from '../core/metrics/registry.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { loadGenome } from '../storage/candidates.js';
import { insertEvaluation, storedScores } from '../storage/evaluations.js';
import type { RunStore } from '../storage/run-store.js';
import { readRunSpend } from '../storage/spend.js';
import { mapBounded } from './concurrency.js';
import type { ActivityDeps } from './deps.js';
import { externalScorer } from './metric-scorer.js';
import type { ModelCallResult, ModelGateway } from './model-gateway.js';
import { isContextLengthFailure } from './provider-errors.js';
import type { EvaluateInput, EvaluationResult, ModelRole } from '../contracts/index.js';

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
    const program = input.program && input.program.samples > 1 ? input.program : undefined;
    const label = programLabel(modelName, program);
    const scores = await storedScores(db, runId, hash, label, exampleIds);
    const todo = exampleIds.filter((id) => !scores.has(id));
    if (todo.length > 0) {
      const genome = await loadGenome(db, runId, hash);
      const demoIds = genome.demos.flatMap((d) => (d.kind === 'example' ? [d.exampleId] : []));
      const examples = await store.examples(runId, [...new Set([...todo, ...demoIds])]);
      const demos = resolveDemos(genome.demos, examples);
      const metric = metricFromSpec(spec.metric, spec.signature);
      const taskFile = await store.taskFile(runId);
      const scorer = externalScorer({ runId, generation: input.generation, spec, taskFile, gateway });
      const responseFormat = endpoint.structuredOutput ? responseFormatForGenome(genome, spec.signature) : undefined;
      const beat = setInterval(() => heartbeat({ done: scores.size, total: exampleIds.length }), 5_000);
      try {
        await mapBounded(todo, endpoint.maxConcurrency, async (exampleId) => {
          const example = examples.get(exampleId)!;
          const ask = (sample: number): Promise<ModelCallResult> =>
            gateway.call({
              runId,
              generation: input.generation,
              purpose: input.purpose,
              modelName,
              endpoint,
              messages: renderTaskMessages(genome, spec.signature, demos, example.inputs),
              ...(responseFormat ? { responseFormat: responseFormat as unknown as Record<string, unknown> } : {}),
              temperature: program ? program.temperature : 0,
              ...(program ? { seed: sample } : {}),
              ...(responseFormat ? { validate: expectJson } : {}),
            });
          let result: MetricResult;
          let stored: { output: string | null; raw: string | null; reply: Pick<ModelCallResult, ReplyFigures> };
          try {
            const replies = program
              ? await Promise.all(Array.from({ length: program.samples }, (_, i) => ask(i + 1)))
              : [await ask(0)];
            const { reply, parsed } = combineReplies(replies, (content) => parseModelOutput(content, spec.signature));
            const ctx = { signature: spec.signature, inputs: example.inputs };
            result = parsed.ok
              ? await scoreMetric(metric, parsed.outputs, example.outputs, ctx, scorer)
              : unparsedOutputResult(
                  reply.malformed ? `${reply.malformed} after every retry; ${parsed.feedback}` : parsed.feedback,
                );
            const output = parsed.ok
              ? JSON.stringify({ ...parsed.outputs, ...(parsed.reasoning ? { reasoning: parsed.reasoning } : {}) })
              : null;
            stored = { output, raw: reply.content, reply };
          } catch (err) {
            // One example too long for the model's context is that example's failure, not the run's.
            if (!isContextLengthFailure(err)) throw err;
            result = { score: 0, feedback: `not answered: ${err.message}` };
            stored = { output: null, raw: null, reply: NO_REPLY };
          }
          const { reply } = stored;
          await insertEvaluation(db, {
            runId,
            hash,
            model: label,
            exampleId,
            output: stored.output,
            raw: stored.raw,
            score: result.score,
            feedback: result.feedback ?? null,
            promptTokens: reply.promptTokens,
            completionTokens: reply.completionTokens,
            latencyMs: reply.latencyMs,
            cached: reply.cached,
            costUsd: reply.costUsd,
          });
          scores.set(exampleId, result.score);
          heartbeat({ done: scores.size, total: exampleIds.length });
        });
      } finally {
        clearInterval(beat);
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
 * One answer from a program's replies: the single reply, or the majority answer of several
 * samples, with the samples' tokens, cost and (slowest) latency added up as one program call.
 */
function combineReplies(
  replies: ModelCallResult[],
  parse: (content: string) => ParsedOutput,
): { reply: ModelCallResult; parsed: ParsedOutput } {
  const parsedAll = replies.map((r) => parse(r.content));
  let index = 0;
  if (replies.length > 1) {
    const answers = parsedAll.flatMap((p) => (p.ok ? [p.outputs] : []));
    const winner = majorityVote(answers);
    index = winner === undefined ? 0 : parsedAll.findIndex((p) => p.ok && p.outputs === winner);
  }
  const reply: ModelCallResult = {
    ...replies[index]!,
    promptTokens: replies.reduce((n, r) => n + r.promptTokens, 0),
    completionTokens: replies.reduce((n, r) => n + r.completionTokens, 0),
    costUsd: replies.reduce((n, r) => n + r.costUsd, 0),
    latencyMs: Math.max(...replies.map((r) => r.latencyMs)),
    cached: replies.every((r) => r.cached),
  };

  return { reply, parsed: parsedAll[index]! };
}

type ReplyFigures = 'promptTokens' | 'completionTokens' | 'latencyMs' | 'cached' | 'costUsd';
const NO_REPLY: Pick<ModelCallResult, ReplyFigures> = {
  promptTokens: 0,
  completionTokens: 0,
  latencyMs: 0,
  cached: false,
  costUsd: 0,
};

/** With structured output requested, anything but JSON is a provider fault worth one more ask. */
export function expectJson(content: string): string | undefined {
  try {
    JSON.parse(content);
    return undefined;
  } catch {
    return 'the reply is not valid JSON although structured output was requested';
  }
}

/** Scores travel through workflow history: four decimals are plenty and keep it small. */
function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
