import {
  executeChild,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  distillRoundWorkflowId,
  encodePurpose,
  maxSpend,
  phaseAttribute,
  SA,
  type DistillEnding,
  type DistillInput,
  type DistillPhase,
  type DistillResult,
  type Member,
  type ProgramRef,
  type PurposeName,
  type Spend,
} from '../contracts/index.js';
import { budgetExhausted, waveFits } from '../core/engine/budget-gate.js';
import { absoluteBudget } from '../core/engine/distill-plan.js';
import { examplesPerActivity } from '../core/engine/plan.js';
import type { CallProgram } from '../core/program/program.js';
import type { OperatorCredit } from '../core/operators/adaptive-mix.js';
import { Rng } from '../core/rng.js';
import { evaluateInBatches } from './evaluate-batches.js';
import { activityWindow } from './fan-out.js';
import { generationWorkflow } from './generation.js';
import { ACTIVITY_OPTIONS } from './activity-options.js';

const acts = proxyActivities<Activities>({ ...ACTIVITY_OPTIONS, startToCloseTimeout: '15 minutes' });

/**
 * Distils a run's best program into a small student model (`run-<id>-distill`):
 * 1. the teacher program answers the training inputs; answers that pass the metric are traces;
 * 2. the student starts from the teacher's instruction as one direct call plus trace demos, and
 *    is scored on validation beside the teacher's program unchanged;
 * 3. while the best student is below the threshold, rounds of evolution run with the student as
 *    the fitness model (the meta model proposes, demos come from the teacher's traces), up to
 *    `maxRounds` and the distillation budget;
 * 4. teacher and final student are scored on the test split. Missing the threshold is a result
 *    (`thresholdMet: false` with the best student), not a failure.
 */
export async function distillWorkflow(input: DistillInput): Promise<DistillResult> {
  const { runId, config } = input;
  const window = activityWindow();
  const phase = (name: DistillPhase, details: string): void => {
    setCurrentDetails(details);
    upsertSearchAttributes([{ key: SA.runId, value: runId }, phaseAttribute(name)]);
  };
  phase('distill:traces', `Teacher ${config.teacher} answers the training inputs`);
  const prep = await acts.prepareDistill({ runId, teacherHash: input.teacherHash, config });
  const { spec } = prep;
  const ownBudget = Object.values(config.budget).some((v) => v !== undefined);
  const budget = ownBudget ? absoluteBudget(prep.startSpend, config.budget) : (input.runBudget ?? {});
  let spend: Spend = prep.startSpend;
  const voted = config.teacherProgram && config.teacherProgram.samples > 1 ? config.teacherProgram : undefined;
  const teacherProgram: CallProgram | undefined = voted
    ? { samples: voted.samples, temperature: voted.temperature }
    : undefined;
  const teacher: ProgramRef = {
    hash: prep.teacherHash,
    model: config.teacher,
    ...(teacherProgram ? { program: teacherProgram } : {}),
  };
  const student = (hash: string): ProgramRef => ({ hash, model: config.student });
  const callsPerTeacherAnswer = teacherProgram?.samples ?? 1;

  /** Scores a program on examples in batches; undefined when the budget cannot cover it. */
  const score = async (
    ref: ProgramRef,
    ids: string[],
    purpose: PurposeName,
    callsPerExample = 1,
  ): Promise<number[] | undefined> => {
    if (ids.length === 0 || !waveFits(budget, spend, ids.length * callsPerExample)) return undefined;
    const result = await evaluateInBatches(
      acts,
      window,
      {
        runId,
        generation: 0,
        hash: ref.hash,
        role: { model: ref.model },
        purpose: encodePurpose({ stage: 'distill', name: purpose }),
        ...(ref.program ? { program: ref.program } : {}),
      },
      ids,
      {
        perActivity: examplesPerActivity(spec.search),
        summary: (i, n) => `${purpose} ${ref.hash.slice(0, 10)} on ${ref.model}: batch ${i + 1}/${n}`,
      },
    );
    spend = maxSpend(spend, result.spend);
    return result.scores;
  };
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

  // 1-2. Teacher traces on the training inputs, then the student's first program.
  await score(teacher, prep.trainIds, 'teacher-traces', callsPerTeacherAnswer);
  const seeded = await acts.seedStudent({
    runId,
    teacherHash: prep.teacherHash,
    teacher,
    trainIds: prep.trainIds,
    seed: spec.search.seed,
  });

  phase('distill:student', `Scoring the student ${config.student} on ${prep.valIds.length} validation examples`);
  const members: Member[] = [];
  for (const [hash, operator] of [
    [input.teacherHash, 'teacher-program'],
    [seeded.hash, 'distill-bootstrap'],
  ] as const) {
    if (members.some((m) => m.hash === hash)) continue;
    const scores = await score(student(hash), prep.valIds, 'validate');
    if (scores) members.push({ hash, operator, parents: [], score: mean(scores), scores });
  }
  const byScore = (a: Member, b: Member): number => b.score - a.score || (a.hash < b.hash ? -1 : 1);
  let population = [...members].sort(byScore);
  const studentBaselineVal = members.find((m) => m.hash === input.teacherHash)?.score ?? 0;
  const studentBootstrappedVal = members.find((m) => m.hash === seeded.hash)?.score ?? studentBaselineVal;

  // 3. Evolution on the student while it is below the threshold.
  let rounds = 0;
  let ended: DistillEnding | undefined;
  let rngState = Rng.fromSeed(`distill:${spec.search.seed}`).getState();
  let operatorCredit: OperatorCredit = {};
  let screenQueue: string[] = [];
  let runnersUp: Member[] = [];
  while (!ended) {
    const best = population[0];
    if (!best) ended = 'budget_exhausted';
    else if (best.score >= config.threshold) ended = 'threshold_met';
    else if (rounds >= config.maxRounds) ended = 'max_rounds';
    else if (budgetExhausted(budget, spend)) ended = 'budget_exhausted';
    if (ended) break;
    rounds++;
    phase(
      'distill:evolving',
      `Round ${rounds} of at most ${config.maxRounds}: student best ${best!.score.toFixed(3)} < ${config.threshold}`,
    );
    const result = await executeChild(generationWorkflow, {
      workflowId: distillRoundWorkflowId(runId, rounds),
      args: [
        {
          runId,
          generation: rounds,
          spec,
          valIds: prep.valIds,
          screenIds: prep.trainIds,
          screenQueue,
          ...(runnersUp.length > 0 ? { runnersUp } : {}),
          population,
          rngState,
          budget,
          // Kept back for scoring the teacher and the student on test once the rounds end.
          reserveCalls: prep.testIds.length * (callsPerTeacherAnswer + 1),
          operatorCredit,
          spend,
          mode: { kind: 'distill', fitness: { model: config.student }, teacher },
        },
      ],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      staticSummary: `${spec.name}: distillation round ${rounds} of run ${runId}`,
      staticDetails: `Evolves the student ${config.student} towards ${config.threshold} on validation; demos from the teacher's traces.`,
      typedSearchAttributes: [
        { key: SA.task, value: spec.name },
        { key: SA.runId, value: runId },
        { key: SA.generation, value: rounds },
        phaseAttribute('distilling'),
      ],
    });
    population = result.population;
    rngState = result.rngState;
    operatorCredit = result.operatorCredit;
    screenQueue = result.screenQueue;
    runnersUp = result.runnersUp ?? [];
    spend = maxSpend(spend, result.spend);
    if (result.budgetExhausted && (population[0]?.score ?? 0) < config.threshold) ended = 'budget_exhausted';
  }

  // 4. Teacher and final student on the test split.
  phase('distill:testing', 'Scoring teacher and student on the test split');
  const winner = population[0] ?? { hash: seeded.hash, score: 0 };
  await score(teacher, prep.testIds, 'test', callsPerTeacherAnswer);
  await score(student(winner.hash), prep.testIds, 'test');
  const [teacherTest] = await acts.summarizePrograms({
    runId,
    purpose: 'distill-teacher',
    split: 'test',
    exampleIds: prep.testIds,
    programs: [teacher],
  });
  const [studentTest] = await acts.summarizePrograms({
    runId,
    purpose: 'distill-student',
    split: 'test',
    exampleIds: prep.testIds,
    programs: [student(winner.hash)],
  });
  const total = (await acts.runSpend({ runId })).total;
  const result: DistillResult = {
    runId,
    thresholdMet: winner.score >= config.threshold,
    threshold: config.threshold,
    teacher: {
      hash: teacher.hash,
      model: config.teacher,
      program: describeTeacher(config.teacherProgram?.reasoning, teacherProgram),
      ...(teacherTest ? { test: teacherTest } : {}),
    },
    student: {
      hash: winner.hash,
      model: config.student,
      program: 'one direct call',
      valAccuracy: winner.score,
      ...(studentTest ? { test: studentTest } : {}),
    },
    studentBaselineVal,
    studentBootstrappedVal,
    demoPool: seeded.demoPool,
    rounds,
    ended,
    spend: difference(total, prep.startSpend),
  };
  await acts.finishDistill({ runId, status: ended, result });
  phase(
    'distill:done',
    `Student ${config.student} ${winner.score.toFixed(3)} on validation (threshold ${config.threshold}: ${result.thresholdMet ? 'met' : 'not met'}) after ${rounds} round(s)`,
  );
  return result;
}

function describeTeacher(reasoning: string | undefined, program: CallProgram | undefined): string {
  const parts = [reasoning === 'think' ? 'think, then answer' : 'one direct call'];
  if (program) parts.push(`majority of ${program.samples} samples at temperature ${program.temperature}`);
  return parts.join(', ');
}

function difference(a: Spend, b: Spend): Spend {
  return {
    calls: a.calls - b.calls,
    cachedCalls: a.cachedCalls - b.cachedCalls,
    tokens: a.tokens - b.tokens,
    costUsd: Math.max(0, a.costUsd - b.costUsd),
  };
}
