import { genomeHash, type Demo } from '../core/genome/genome.js';
import type { OperatorContext, ShownExample } from '../core/operators/operator.js';
import { NO_RULES } from '../core/operators/prune.js';
import { operatorFromName } from '../core/operators/registry.js';
import { programLabel } from '../core/program/program.js';
import { Rng } from '../core/rng.js';
import type { OperatorName } from '../core/task/search-spec.js';
import {
  candidateHashes,
  commonAncestor,
  insertCandidate,
  loadGenome,
  primaryParentGenome,
} from '../storage/candidates.js';
import { splitIds } from '../storage/examples.js';
import { passingTraces, trainFailures } from '../storage/evaluations.js';
import type { RunStore } from '../storage/run-store.js';
import { readRunSpend } from '../storage/spend.js';
import type { ActivityDeps } from './deps.js';
import type { ModelGateway } from './model-gateway.js';
import { isContextLengthFailure } from './provider-errors.js';
import { encodePurpose, type ProposalResult, type ProposeInput } from '../contracts/index.js';

/**
 * Applies one operator to its parents: builds the meta-prompt, calls the meta model when the
 * operator needs it, guards the child, and stores it. Content-addressed storage makes a retry
 * (or a concurrent proposal of the same child) harmless.
 */
export function createProposeActivity({ db }: ActivityDeps, store: RunStore, gateway: ModelGateway) {
  return proposeCandidate;

  async function proposeCandidate(input: ProposeInput): Promise<ProposalResult> {
    const { runId, generation, operator: name } = input;
    const stage = input.stage ?? 'evolve';
    const spec = await store.spec(runId);
    const operator = operatorFromName(name);
    const parents = await Promise.all(input.parentHashes.map((h) => loadGenome(db, runId, h)));
    const rng = Rng.fromSeed(`propose:${input.seed}`);
    const ctx: OperatorContext = {
      parents,
      signature: spec.signature,
      rng,
      limits: { maxPromptChars: spec.search.maxPromptChars, maxDemos: spec.search.maxDemos },
      existingHashes: new Set(await candidateHashes(db, runId)),
    };
    if (name === 'merge' && input.parentHashes.length >= 2) {
      const ancestor = await commonAncestor(db, runId, input.parentHashes[0]!, input.parentHashes[1]!);
      if (ancestor) ctx.ancestor = await loadGenome(db, runId, ancestor);
    }
    if (name === 'prune') {
      // The parent's own primary parent: the rules the parent added to it are tried first.
      const origin = await primaryParentGenome(db, runId, input.parentHashes[0]!);
      if (origin) ctx.ancestor = origin;
    }
    // Everything shown to the meta model or turned into a demo comes from the train split.
    const trainIds = await splitIds(db, runId, 'train');
    const fitnessModel = input.fitness && input.fitness !== 'dev' ? input.fitness.model : spec.roles.dev;
    ctx.examples = await evidenceFor(name, input.parentHashes, rng);
    const teacher = input.teacher;
    const teacherPool = (): Promise<Extract<Demo, { kind: 'trace' }>[]> =>
      passingTraces(db, runId, teacher!.hash, programLabel(teacher!.model, teacher!.program), trainIds);
    if (name === 'demo') {
      ctx.demoPool = teacher ? await teacherPool() : trainIds.map((exampleId) => ({ kind: 'example', exampleId }));
    }
    if (name === 'bootstrap') {
      // The parent's own passing answers on train examples it was screened on: no extra model call.
      ctx.passingTraces = teacher
        ? await teacherPool()
        : await passingTraces(db, runId, input.parentHashes[0]!, fitnessModel, trainIds);
    }
    const idle = nothingToWorkOn(name, ctx);
    if (idle) return { status: 'skipped', operator: name, reason: idle, spend: await readRunSpend(db, runId) };

    let result;
    if (operator.kind === 'llm') {
      const meta = spec.roles.meta;
      const endpoint = spec.models[meta]!;
      let reply;
      try {
        reply = await gateway.call({
          runId,
          generation,
          purpose: encodePurpose({ stage, name: `propose:${name}` }),
          modelName: meta,
          endpoint,
          messages: operator.buildMetaPrompt(ctx),
          temperature: Math.max(endpoint.temperature, 0.7),
          seed: input.seed,
        });
      } catch (err) {
        // A meta-prompt too long for the meta model's context rejects this child, not the run.
        if (!isContextLengthFailure(err)) throw err;
        return { status: 'rejected', operator: name, reason: err.message, spend: await readRunSpend(db, runId) };
      }
      result = operator.parseReply(reply.content, ctx);
    } else {
      result = operator.apply(ctx);
    }
    const spend = await readRunSpend(db, runId);
    if (!result.ok) return { status: 'rejected', operator: name, reason: result.reason, spend };
    const hash = genomeHash(result.genome);
    await insertCandidate(db, {
      runId,
      hash,
      genome: result.genome,
      parents: input.parentHashes,
      operator: name,
      generation,
      note: result.note,
      stage,
    });
    return { status: 'created', hash, operator: name, parents: input.parentHashes, spend };

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
      const rows = await trainFailures(db, {
        runId,
        hash,
        model: fitnessModel,
        rival: rival ?? null,
        focusIds: input.focusIds ?? [],
      });
      const chosen: typeof rows = [];
      for (const [focus, passed] of [
        [true, true],
        [true, false],
        [false, true],
        [false, false],
      ] as const) {
        const group = rows.filter((r) => r.inFocus === focus && r.rivalPassed === passed);
        chosen.push(...choose.sample(group, count - chosen.length));
      }
      return chosen.map((r) => ({
        inputs: r.inputs,
        expected: r.outputs,
        got: r.output ?? r.rawOutput,
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
  if (name === 'prune' && (ctx.parents[0]?.sections.rules ?? []).length === 0) return NO_RULES;
  return undefined;
}
