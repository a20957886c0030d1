import type { Demo, Genome } from '../../core/genome/genome.js';
import { labelMove } from '../../core/registry/label-move.js';
import { datasetHash, exampleContentHash } from '../../core/registry/provenance.js';
import { assertLabel, assertName, DEFAULT_LABEL } from '../../core/registry/reference.js';
import { versionHash, type VersionContent } from '../../core/registry/version.js';
import type { ModelSpec } from '../../core/task/model-spec.js';
import type { TaskSpec } from '../../core/task/spec-schema.js';
import type { Db } from '../../platform/db.js';
import { candidateHashesStartingWith, candidateStage, findCandidate } from '../../storage/candidates.js';
import { findDistillation } from '../../storage/distillations.js';
import { runExamples } from '../../storage/examples.js';
import {
  labelsOf,
  listVersions,
  moveLabel,
  publishVersion,
  type NewVersion,
  type PublishedKind,
  type VersionSource,
} from '../../storage/registry.js';
import { findRun } from '../../storage/runs.js';
import type { DistillResult, RunResult } from '../../contracts/index.js';
import { CliError, EXIT } from '../errors.js';

/** `promptevo registry publish <runId> --name N [--hash H | --distilled] [--label L]`. */
export interface PublishRequest {
  runId: string;
  name: string;
  /** A candidate of the run instead of its best. */
  hash?: string;
  /** The run's distilled student instead of its best. */
  distilled?: boolean;
  /** Moves this label to the version (compare-and-swap, recorded as `publish`). */
  label?: string;
  by: string;
  reason?: string;
}

export interface PublishedLabel {
  label: string;
  from: number | null;
  to: number;
  /** False when the label already pointed at the version. */
  moved: boolean;
}

export interface PublishOutcome {
  name: string;
  version: number;
  reference: string;
  hash: string;
  /** False when the same content was already registered under the name: that version is returned. */
  created: boolean;
  model: string;
  createdBy: string;
  source: VersionSource;
  label?: PublishedLabel;
}

/** A user-facing check of a name or label: the core's message, as a usage error. */
export function checked(check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
}

/** What a run offers for publishing: the candidate, the model it was scored on and its scores. */
interface Chosen {
  kind: PublishedKind;
  candidateHash: string;
  /** The model's name in the task's `models`. */
  modelName: string;
  scores: VersionSource['scores'];
}

function chooseCandidate(runId: string, result: RunResult, request: PublishRequest, spec: TaskSpec): Chosen {
  if (request.hash === undefined) {
    return {
      kind: 'best',
      candidateHash: result.best.hash,
      modelName: spec.roles.dev,
      scores: { val: result.best.val, test: result.best.test },
    };
  }
  const scored = [result.best, ...result.finalists, result.baseline].find((p) => p.hash === request.hash);
  return {
    kind: 'candidate',
    candidateHash: request.hash,
    modelName: spec.roles.dev,
    scores: { val: scored?.val ?? null, test: scored?.test ?? null },
  };
}

async function chooseDistilled(db: Db, runId: string): Promise<Chosen> {
  const distillation = await findDistillation<DistillResult>(db, runId);
  if (!distillation) {
    throw new CliError(
      `run ${runId} has no distilled student; distil it first (\`promptevo distill ${runId} --wait\`), ` +
        'or publish its best without --distilled',
      EXIT.notFound,
    );
  }
  if (!distillation.result || distillation.status === 'running') {
    throw new CliError(
      `the distillation of run ${runId} has not finished (status ${distillation.status}); ` +
        `wait for it (\`promptevo distill\` with --wait, or the Temporal UI) and publish again`,
      EXIT.usage,
    );
  }
  const student = distillation.result.student;
  return {
    kind: 'distilled',
    candidateHash: student.hash,
    modelName: student.model,
    scores: { val: student.valAccuracy, test: student.test?.accuracy ?? null },
  };
}

/** Example demos name dataset rows; a version carries their inputs and outputs instead. */
function resolveToTraces(
  genome: Genome,
  examples: ReadonlyMap<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>,
  where: string,
): Genome {
  const demos = genome.demos.map((demo): Demo => {
    if (demo.kind === 'trace') return demo;
    const example = examples.get(demo.exampleId);
    if (!example) {
      throw new CliError(
        `${where}: demo example "${demo.exampleId}" is not among the run's stored examples; the run's data is incomplete, publish another candidate`,
        EXIT.notFound,
      );
    }
    return { kind: 'trace', inputs: example.inputs, outputs: example.outputs };
  });
  return { sections: genome.sections, demos };
}

/** A candidate's full hash from the hash or the unique prefix (as `promptevo show` prints it) given. */
async function fullHash(db: Db, runId: string, given: string): Promise<string> {
  if (!/^[0-9a-f]{4,64}$/i.test(given)) {
    throw new CliError(`--hash "${given}" is not a candidate hash (at least 4 hexadecimal characters)`, EXIT.usage);
  }
  const matches = await candidateHashesStartingWith(db, runId, given);
  if (matches.length > 1) {
    throw new CliError(
      `--hash ${given} matches ${matches.length === 5 ? 'at least 5' : matches.length} candidates of run ${runId} ` +
        `(${matches.map((h) => h.slice(0, 16)).join(', ')}); give more characters`,
      EXIT.usage,
    );
  }
  return matches[0] ?? given;
}

/** The version a run's best, candidate or distilled student becomes, with its provenance. */
export async function versionFromRun(db: Db, request: PublishRequest): Promise<NewVersion> {
  const { runId } = request;
  checked(() => assertName(request.name, request.name));
  if (request.hash !== undefined && request.distilled) {
    throw new CliError('pass --hash or --distilled, not both', EXIT.usage);
  }
  const run = await findRun<RunResult | { error: string }>(db, runId);
  if (!run) {
    throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);
  }
  if (run.kind !== 'optimize') {
    throw new CliError(
      `"${runId}" is a gated promotion, not an optimization run; publish the run that produced the prompt`,
      EXIT.usage,
    );
  }
  if (!run.result || !('best' in run.result)) {
    const why =
      run.result && 'error' in run.result
        ? `failed (${run.result.error.split('\n')[0]})`
        : `has not finished (status ${run.status})`;
    throw new CliError(
      `run ${runId} ${why}; only a finished run can be published: wait for it (\`promptevo watch ${runId}\`) or publish another run`,
      EXIT.usage,
    );
  }
  const hash = request.hash === undefined ? undefined : await fullHash(db, runId, request.hash);
  const chosen = request.distilled
    ? await chooseDistilled(db, runId)
    : chooseCandidate(runId, run.result, { ...request, ...(hash !== undefined ? { hash } : {}) }, run.spec);
  const candidate = await findCandidate(db, runId, chosen.candidateHash);
  if (!candidate) {
    throw new CliError(
      `run ${runId} has no candidate ${chosen.candidateHash}; \`promptevo show ${runId}\` lists its best and finalists`,
      EXIT.notFound,
    );
  }
  if (chosen.kind === 'candidate' && (await candidateStage(db, runId, chosen.candidateHash)) === 'distill') {
    throw new CliError(
      `candidate ${chosen.candidateHash} of run ${runId} was made by distillation and scored on another model ` +
        `than the run's dev model; publish the run's distilled student with --distilled`,
      EXIT.usage,
    );
  }
  const endpoint: ModelSpec | undefined = run.spec.models[chosen.modelName];
  if (!endpoint) {
    throw new CliError(`run ${runId}: model "${chosen.modelName}" is not among the task's models`, EXIT.notFound);
  }
  const examples = await runExamples(db, runId);
  const byId = new Map(examples.map((e) => [e.id, e]));
  const genome = resolveToTraces(candidate.genome, byId, `run ${runId} candidate ${chosen.candidateHash}`);
  const content: VersionContent = {
    signature: run.spec.signature,
    genome,
    model: endpoint.model,
    decoding: {
      temperature: endpoint.temperature,
      ...(endpoint.maxTokens !== undefined ? { maxTokens: endpoint.maxTokens } : {}),
      structuredOutput: endpoint.structuredOutput,
    },
  };
  const optimizedOn = [
    ...new Set(examples.filter((e) => e.split !== 'test').map((e) => exampleContentHash(e.inputs))),
  ].sort();
  return {
    name: request.name,
    hash: versionHash(content),
    content,
    metric: run.spec.metric,
    endpoint,
    source: {
      runId,
      candidateHash: chosen.candidateHash,
      kind: chosen.kind,
      task: run.spec.name,
      datasetHash: datasetHash(examples),
      scores: chosen.scores,
      optimizedOn,
    },
    createdBy: request.by,
  };
}

/**
 * Publishes a run's best (or a candidate, or its distilled student) under a name: a new version, or
 * the one already holding the same content. `label` then moves to it by compare-and-swap; moving
 * `production` once it is set is a promotion and is refused here.
 */
export async function publishFromRun(db: Db, request: PublishRequest): Promise<PublishOutcome> {
  if (request.label !== undefined) checked(() => assertLabel(request.label!, `${request.name}@${request.label}`));
  const version = await versionFromRun(db, request);
  // Read before publishing: the move below applies only if the label still points here.
  const from = request.label === undefined ? null : ((await labelsOf(db, request.name))[request.label] ?? null);
  const already =
    from === null ? undefined : (await listVersions(db, request.name)).find((v) => v.hash === version.hash);
  if (request.label === DEFAULT_LABEL && from !== null && already?.version !== from) {
    throw new CliError(
      `${request.name}@${DEFAULT_LABEL} is already set (version ${from}): moving it is a promotion; ` +
        `publish without --label ${DEFAULT_LABEL} (or with --label staging), then ` +
        `\`promptevo registry promote ${request.name}:<version> --label ${DEFAULT_LABEL}\``,
      EXIT.usage,
    );
  }
  const { version: stored, created } = await publishVersion(db, version);
  const outcome: PublishOutcome = {
    name: stored.name,
    version: stored.version,
    reference: `${stored.name}:${stored.version}`,
    hash: stored.hash,
    created,
    model: stored.content.model,
    createdBy: stored.createdBy,
    source: stored.source,
  };
  if (request.label === undefined) return outcome;
  if (from === stored.version) {
    return { ...outcome, label: { label: request.label, from, to: stored.version, moved: false } };
  }
  const move = labelMove(stored.name, request.label, from, stored.version);
  const check = await moveLabel(db, move, {
    how: 'publish',
    by: request.by,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
  });
  if (!check.ok) throw new CliError(`${outcome.reference} is published, but ${check.message}`, 1);
  return { ...outcome, label: { label: request.label, from, to: stored.version, moved: true } };
}
