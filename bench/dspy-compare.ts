// Quality against DSPy: on the same task, split, models and call budget, promptevo (a real
// optimizationRun through Temporal) and DSPy's MIPROv2 (ChatAdapter, and JSONAdapter with a
// json_schema response format), GEPA and BootstrapFewShotWithRandomSearch, each with several
// search seeds. Every (arm, seed) has its own model server and starts from an empty cache. Prints,
// per arm: mean test score over valid seeds with a 95% t-interval, the paired difference against
// promptevo on the same test examples, the difference of per-seed means (Welch), search calls, meta requests (and those carrying examples),
// and which runs are invalid (a failed or timed-out call) and why. See docs/BENCHMARKS.md.
// Usage: npm run bench:dspy -- [--tasks ticket-routing,seller-score,ticket-routing@smollm2]
//   [--optimizers seed,promptevo,mipro,mipro-json,gepa,bfsrs] [--seeds 3] [--calls 1200]
//   [--real-calls 120] [--real-split 20,20,50] [--real-max-tokens 32] [--threads 8]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ARMS, TITLES, failedCalls, runDspy, startArmServer, type Arm, type ArmRun } from './dspy/arms.js';
import { answersCell } from './dspy/answers.js';
import { runPromptevo } from './dspy/promptevo-arm.js';
import { differenceCells, formatInterval, mean, REACH_TOLERANCE, tInterval } from './dspy/stats.js';
import { META_MODEL, benchTask, exportSplit, type BenchTask } from './dspy/tasks.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'ticket-routing,seller-score,ticket-routing@smollm2' },
    optimizers: { type: 'string', default: ARMS.join(',') },
    seeds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '1200' },
    'real-calls': { type: 'string', default: '120' },
    'real-split': { type: 'string', default: '20,20,50' },
    'real-max-tokens': { type: 'string', default: '32' },
    threads: { type: 'string', default: '8' },
    out: { type: 'string', default: 'bench/out/dspy-compare' },
    // Search settings for promptevo's arm on top of the task's (JSON), e.g. '{"adaptiveOperators":false}'.
    'promptevo-search': { type: 'string', default: '{}' },
    // Labeled train demos promptevo's search starts from (seedPrompt.demoCount); 0 = the task's seed prompt as it is.
    'promptevo-seed-demos': { type: 'string', default: '0' },
    // The task model answers in free text (structuredOutput: false) instead of under a json_schema.
    'promptevo-free-text': { type: 'boolean', default: false },
  },
});
const promptevoSearch = JSON.parse(values['promptevo-search']) as Record<string, unknown>;
const arms = values.optimizers.split(',').map((name) => {
  if (!(ARMS as readonly string[]).includes(name))
    throw new Error(`--optimizers: unknown "${name}" (known: ${ARMS.join(', ')})`);
  return name as Arm;
});
const seedCount = Number(values.seeds);
if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds: want a positive integer`);
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const outDir = path.resolve(values.out);
mkdirSync(outDir, { recursive: true });
// One key for every arm's server, passed to promptevo's workers in PROMPTEVO_KEY_BENCH and to DSPy in
// BENCH_MODEL_KEY (never on a command line).
const apiKey = `bench-${randomBytes(8).toString('hex')}`;
process.env['PROMPTEVO_KEY_BENCH'] = apiKey; // for the test scoring this process runs with promptevo's activity
const taskOptions = {
  calls: +values.calls,
  realCalls: +values['real-calls'],
  realSplit: values['real-split'],
  realMaxTokens: +values['real-max-tokens'],
};
const tasks = values.tasks.split(',').map((label) => benchTask(label, taskOptions)); // bad names fail before any run

const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function runOne(
  task: BenchTask,
  arm: Arm,
  seed: number,
  file: string,
  split: ReturnType<typeof exportSplit>['split'],
): Promise<ArmRun> {
  const server = await startArmServer(task, apiKey);
  try {
    const run =
      arm === 'promptevo'
        ? await runPromptevo(
            task,
            seed,
            server,
            split,
            apiKey,
            promptevoSearch,
            Number(values['promptevo-seed-demos']),
            {
              structuredOutput: !values['promptevo-free-text'],
            },
          )
        : await runDspy({ task, arm, seed, server, splitFile: file, split, outDir, threads: values.threads, apiKey });
    const failed = failedCalls(server);
    return failed ? { ...run, invalid: failed } : run;
  } catch (err) {
    const empty = { calls: 0, tokens: 0, byModel: {}, metaRequests: 0, metaWithExamples: 0 };
    const reason = `crashed: ${(err as Error).message.split('\n')[0]}`;
    return {
      arm,
      seed,
      invalid: reason,
      scores: [],
      test: NaN,
      search: empty,
      testCalls: 0,
      searchSeconds: NaN,
      settings: '',
    };
  } finally {
    await server.close();
  }
}

function taskTables(task: BenchTask, split: ReturnType<typeof exportSplit>['split'], runs: ArmRun[]): string[] {
  const valid = (arm: Arm): ArmRun[] => runs.filter((r) => r.arm === arm && !r.invalid);
  const base = valid('promptevo').map((r) => r.scores);
  const byModel = (rs: ArmRun[]): string => {
    const models = [...new Set(rs.flatMap((r) => Object.keys(r.search.byModel)))];
    return models
      .map((m) => [m, mean(rs.map((r) => r.search.byModel[m] ?? 0))] as const)
      .filter(([, n]) => n > 0)
      .map(([m, n]) => `${m} ${fmt(n, 0)}`)
      .join(' + ');
  };
  const summary = arms.map((arm) => {
    const rs = valid(arm);
    const all = runs.filter((r) => r.arm === arm);
    const test = tInterval(rs.map((r) => r.test));
    const compared = arm !== 'promptevo' && base.length > 0 && rs.length > 0;
    const diff = compared
      ? differenceCells(
          rs.map((r) => r.scores),
          base,
        )
      : '— | —';
    const calls = mean(rs.map((r) => r.search.calls));
    const meta = `${fmt(mean(rs.map((r) => r.search.metaRequests)), 1)} (${fmt(mean(rs.map((r) => r.search.metaWithExamples)), 1)})`;
    return `| ${TITLES[arm]} | ${rs.length}/${all.length} | ${formatInterval(test)} | ${diff} | ${fmt(calls, 0)}${calls > 0 ? ` (${byModel(rs)})` : ''} | ${meta} | ${fmt(mean(rs.map((r) => r.testCalls)), 0)} | ${fmt(mean(rs.map((r) => r.searchSeconds)), 1)} |`;
  });
  // Calls-to-reach: the paid search calls until promptevo's best-so-far (chosen on validation)
  // scores, on test, at least GEPA's mean test score; against GEPA's mean search calls.
  const gepa = valid('gepa');
  const reach = valid('promptevo').map((r) => {
    const target = mean(gepa.map((g) => g.test));
    return r.trajectory?.find((p) => p.test >= target - REACH_TOLERANCE)?.calls;
  });
  const reachLine =
    gepa.length > 0 && reach.length > 0
      ? `calls-to-reach GEPA's mean test ${fmt(mean(gepa.map((g) => g.test)))}: promptevo ${reach.map((c) => (c === undefined ? 'not reached' : String(c))).join(' / ')} ` +
        `against GEPA's ${fmt(mean(gepa.map((g) => g.search.calls)), 0)} search calls (mean)` +
        (reach.every((c) => c !== undefined)
          ? `; ratio ${fmt(mean(reach) / mean(gepa.map((g) => g.search.calls)), 2)}`
          : '')
      : '';
  const expected = split.test.map((e) => e.outputs);
  const fields = Object.keys(task.spec.signature.outputs);
  const detail = runs.map(
    (r) =>
      `| ${r.arm} | ${r.seed} | ${r.invalid ? `INVALID: ${r.invalid}` : 'valid'} | ${fmt(r.test)}${r.seedTest !== undefined ? ` (seed prompt ${fmt(r.seedTest)})` : ''} | ${answersCell(r.answers, expected, fields)} | ${r.search.calls} | ${r.search.metaRequests} (${r.search.metaWithExamples}) | ${r.search.tokens} | ${r.testCalls} | ${r.settings || '—'} |`,
  );
  return [
    '',
    `task ${task.label}: task model ${task.taskModel}, meta/proposer/reflection model ${META_MODEL} (its calls count against the budget); ` +
      `split train ${split.train.length} / val ${split.val.length} / test ${split.test.length} (fixed by the task's split seed ${task.spec.data.split.seed}); ` +
      `metric ${task.spec.metric.kind}; search call budget ${task.calls}; seeds ${seeds.join(', ')}`,
    '',
    '| arm | valid runs | test score, mean over seeds [95% t-interval] | Δ vs promptevo, paired by example [95% t-interval] | Δ of seed means [95% Welch interval] | search calls (mean; by model) | meta requests (with examples), mean | test calls | search wall s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...summary,
    ...(reachLine ? ['', reachLine] : []),
    '',
    '| arm | seed | run | test score | test answers | search calls | meta requests (with examples) | search tokens | test calls | settings |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...detail,
  ];
}

let dspyVersion = '';
const report: string[] = [
  `dspy-compare (${new Date().toISOString()}): seeds ${seeds.join(', ')}, calls budget ${values.calls} (real models ${values['real-calls']}, split ${values['real-split']}); ` +
    `Δ = per test example, the arm's score averaged over its valid seeds minus promptevo's, mean over examples with a t-interval`,
];
console.log(report[0]);
for (const task of tasks) {
  const { file, split } = exportSplit(task, outDir);
  const runs: ArmRun[] = [];
  for (const arm of arms)
    for (const seed of seeds) {
      console.error(`[${task.label}] ${arm} seed ${seed} ...`);
      const run = await runOne(task, arm, seed, file, split);
      if (run.dspyVersion) dspyVersion = run.dspyVersion;
      runs.push(run);
      console.error(
        `[${task.label}] ${arm} seed ${seed}: ${run.invalid ? `INVALID (${run.invalid})` : `test ${fmt(run.test)}`}, search calls ${run.search.calls}`,
      );
      writeScores(task, split, runs); // after every run, so an interrupted benchmark keeps what it measured
    }
  const table = taskTables(task, split, runs);
  console.log(table.join('\n')); // each task's tables as soon as it is measured
  report.push(...table);
}

function writeScores(task: BenchTask, split: ReturnType<typeof exportSplit>['split'], runs: ArmRun[]): void {
  const perExample = {
    task: task.label,
    testIds: split.test.map((e) => e.id),
    expected: split.test.map((e) => e.outputs),
    outputFields: Object.keys(task.spec.signature.outputs),
    runs: runs.map(({ arm, seed, invalid, scores, answers, trajectory, search }) => ({
      arm,
      seed,
      invalid,
      scores,
      answers,
      trajectory,
      searchCalls: search.calls,
    })),
  };
  writeFileSync(path.join(outDir, `scores-${task.label.replace('@', '-')}.json`), JSON.stringify(perExample));
}
report.push('', `DSPy ${dspyVersion || '(not run)'}`);
console.log(report.at(-1));
writeFileSync(path.join(outDir, 'report.md'), `${report.join('\n')}\n`);
