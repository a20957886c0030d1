// Pools the per-example scores that several `bench:dspy` runs wrote for one task
// (`scores-<task>.json`: the same split, so the same test examples in the same order) and prints the
// summary table again: each arm's mean over seeds with a 95% t-interval and its paired difference
// against promptevo. For arms measured in different invocations (e.g. promptevo with other search
// settings beside DSPy arms measured earlier). A later file's arm replaces an earlier file's; with
// --pool an arm's runs from every file count together (repeated runs of an arm whose runs are not
// reproducible from their seed, such as GEPA's unseeded reflection samples, are more samples).
// With --baseline <scores.json>, that file's promptevo runs are what every arm (promptevo from the
// other files included) is compared with: promptevo before and after a change, on the same split.
// Usage: npm run bench:dspy-combine -- <scores.json> [<scores.json> ...] [--only arm,arm] [--gepa-calls N] [--pool]
//   [--baseline <scores.json>]
// (--gepa-calls: GEPA's mean search calls, for scores files written before they recorded them;
// the run's report.md gives them.)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TITLES, type Arm } from './dspy/arms.js';
import { givesOneAnswer } from './dspy/answers.js';
import { differenceCells, formatInterval, REACH_TOLERANCE, tInterval } from './dspy/stats.js';

interface ScoresFile {
  task: string;
  testIds: string[];
  /** The test examples' expected outputs and the output fields (files written since they were recorded). */
  expected?: Record<string, unknown>[];
  outputFields?: string[];
  runs: {
    arm: Arm;
    seed: number;
    invalid?: string;
    scores: number[];
    answers?: (Record<string, unknown> | null)[];
    searchCalls?: number;
    trajectory?: { calls: number; test: number }[];
  }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: 'string' },
    'gepa-calls': { type: 'string' },
    pool: { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
if (positionals.length === 0) throw new Error('give one or more scores-<task>.json files');
const files = positionals.map((file) => ({ file, data: JSON.parse(readFileSync(file, 'utf8')) as ScoresFile }));
const first = files[0]!.data;
const baselineFile = values.baseline
  ? { file: values.baseline, data: JSON.parse(readFileSync(values.baseline, 'utf8')) as ScoresFile }
  : undefined;
for (const { file, data } of baselineFile ? [...files, baselineFile] : files) {
  if (data.task !== first.task || data.testIds.join() !== first.testIds.join())
    throw new Error(`${file}: another task or other test examples than ${files[0]!.file}; only the same split pools`);
}
const byArm = new Map<Arm, { runs: ScoresFile['runs']; file: string }>();
for (const { file, data } of files) {
  for (const arm of new Set(data.runs.map((r) => r.arm))) {
    const runs = data.runs.filter((r) => r.arm === arm);
    const earlier = byArm.get(arm);
    byArm.set(
      arm,
      values.pool && earlier ? { runs: [...earlier.runs, ...runs], file: `${earlier.file} + ${file}` } : { runs, file },
    );
  }
}
const only = values.only?.split(',') as Arm[] | undefined;
const arms = [...byArm.keys()].filter((arm) => !only || only.includes(arm));
const valid = (arm: Arm): number[][] => (byArm.get(arm)?.runs ?? []).filter((r) => !r.invalid).map((r) => r.scores);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const baselineRuns = baselineFile?.data.runs.filter((r) => r.arm === 'promptevo' && !r.invalid).map((r) => r.scores);
if (baselineRuns && baselineRuns.length === 0) throw new Error(`${baselineFile!.file}: no valid promptevo run`);
const base = baselineRuns ?? valid('promptevo');
const against = baselineFile ? `promptevo of ${baselineFile.file}` : 'promptevo';

console.log(
  `task ${first.task}: ${first.testIds.length} test examples; pooled from ${files.map((f) => f.file).join(', ')}`,
);
console.log('');
console.log(
  `| arm | valid runs | test score, mean over seeds [95% t-interval] | Δ vs ${against}, paired by example [95% t-interval] | Δ of seed means [95% Welch interval] | search calls (mean) | runs giving one answer to every test example | from |`,
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
/** How many of the runs give (nearly) one answer to every test example; n/a when a file did not record answers. */
function oneAnswerRuns(runs: ScoresFile['runs']): string {
  const { expected, outputFields } = first;
  if (!expected || !outputFields || runs.some((r) => !r.answers)) return 'n/a';
  return `${runs.filter((r) => givesOneAnswer(r.answers!, expected, outputFields)).length}/${runs.length}`;
}
/**
 * One table row: an arm's runs (invalid ones counted, not scored), its Δ against the base paired by
 * example and over seeds (or none), where they came from.
 */
function row(title: string, all: ScoresFile['runs'], compare: boolean, from: string): string {
  const runs = all.filter((r) => !r.invalid);
  const scores = runs.map((r) => r.scores);
  const calls = runs.filter((r) => r.searchCalls !== undefined).map((r) => r.searchCalls!);
  const callsMean = calls.length > 0 ? mean(calls).toFixed(0) : 'n/a';
  const differences = compare && base.length > 0 ? differenceCells(scores, base) : '— | —';
  return `| ${title} | ${runs.length}/${all.length} | ${formatInterval(tInterval(scores.map(mean)))} | ${differences} | ${callsMean} | ${oneAnswerRuns(runs)} | ${from} |`;
}
if (baselineFile) {
  const runs = baselineFile.data.runs.filter((r) => r.arm === 'promptevo');
  console.log(row('promptevo (baseline)', runs, false, baselineFile.file));
}
for (const arm of arms) {
  const { runs, file } = byArm.get(arm)!;
  console.log(row(TITLES[arm], runs, !(arm === 'promptevo' && !baselineFile), file));
}

// Calls-to-reach, as bench:dspy prints it: the paid search calls until promptevo's best-so-far
// (chosen on validation) scores, on test, at least GEPA's mean test score; against GEPA's mean calls.
const gepaCallsGiven = values['gepa-calls'] === undefined ? undefined : Number(values['gepa-calls']);
if (gepaCallsGiven !== undefined && !(gepaCallsGiven > 0)) throw new Error('--gepa-calls: expected a positive number');
const gepaRuns = (byArm.get('gepa')?.runs ?? [])
  .filter((r) => !r.invalid)
  .map((r) => ({ ...r, searchCalls: r.searchCalls ?? gepaCallsGiven }))
  .filter((r) => r.searchCalls !== undefined);
const promptevoRuns = (byArm.get('promptevo')?.runs ?? []).filter((r) => !r.invalid && r.trajectory);
if (gepaRuns.length > 0 && promptevoRuns.length > 0) {
  const target = mean(gepaRuns.map((r) => mean(r.scores)));
  const gepaCalls = mean(gepaRuns.map((r) => r.searchCalls!));
  const reach = promptevoRuns.map((r) => r.trajectory!.find((p) => p.test >= target - REACH_TOLERANCE)?.calls);
  const reached = reach.filter((c): c is number => c !== undefined);
  console.log('');
  console.log(
    `calls-to-reach GEPA's mean test ${target.toFixed(3)}: promptevo ${reach.map((c) => c ?? 'not reached').join(' / ')} ` +
      `against GEPA's ${gepaCalls.toFixed(0)} search calls (mean)` +
      (reached.length === reach.length ? `; ratio ${(mean(reached) / gepaCalls).toFixed(2)}` : ''),
  );
}
