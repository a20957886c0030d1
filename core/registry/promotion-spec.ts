import { canonicalJson } from '../hash.js';
import { leafMetrics } from '../policy/check-spec.js';
import type { ModelSpec } from '../task/model-spec.js';
import type { MetricSpec } from '../task/metric-spec.js';
import type { TaskSpec } from '../task/spec-schema.js';
import { validateTaskSpec } from '../task/spec.js';
import { overlapWith } from './provenance.js';
import type { VersionContent } from './version.js';

/** What a gated promotion needs of a registry version (storage's StoredVersion has all of it). */
export interface PromotionVersion {
  name: string;
  version: number;
  hash: string;
  content: VersionContent;
  /** The task's metric spec, as published. */
  metric: unknown;
  endpoint: ModelSpec;
  source: { optimizedOn: string[] };
}

/** The model name a version's endpoint gets in the promotion's spec (and its ledger): `v<version>`. */
export function promotionModelName(version: number): string {
  return `v${version}`;
}

/**
 * The endpoint a version is scored on in a promotion: its stored endpoint with the version's own
 * model id and decoding settings, so each version answers as it was evaluated when published.
 */
export function versionEndpoint(v: PromotionVersion): ModelSpec {
  const { maxTokens: _unused, ...endpoint } = v.endpoint;
  const { decoding } = v.content;
  return {
    ...endpoint,
    model: v.content.model,
    temperature: decoding.temperature,
    structuredOutput: decoding.structuredOutput,
    ...(decoding.maxTokens !== undefined ? { maxTokens: decoding.maxTokens } : {}),
  };
}

/**
 * Why two versions cannot be compared by a gated promotion, or undefined when they can: they must
 * be versions of the same name that answer the same signature, and the metric must be computed
 * without a model or a user module (neither is stored with a version).
 */
export function promotionProblem(champion: PromotionVersion, challenger: PromotionVersion): string | undefined {
  const ref = (v: PromotionVersion): string => `${v.name}:${v.version}`;
  if (champion.name !== challenger.name) {
    return `${ref(champion)} and ${ref(challenger)} are versions of different names; promote within one name`;
  }
  if (champion.version === challenger.version) {
    return `${ref(challenger)} is already the champion; pick another version to promote`;
  }
  if (canonicalJson(signatureShape(champion)) !== canonicalJson(signatureShape(challenger))) {
    return (
      `${ref(champion)} and ${ref(challenger)} answer different signatures (inputs or outputs differ), ` +
      'so they cannot be scored on the same examples; publish the challenger under a new name'
    );
  }
  if (!challenger.metric || typeof challenger.metric !== 'object') {
    return `${ref(challenger)} has no metric stored; publish it again from its run`;
  }
  const external = leafMetrics(challenger.metric as MetricSpec).find(
    ({ metric }) => metric.kind === 'llm_judge' || metric.kind === 'module',
  );
  if (external) {
    return (
      `${ref(challenger)} is scored with a ${external.metric.kind} metric (${external.path}), whose model or ` +
      'module is not stored with a version; a gated promotion needs a metric computed from the answer alone'
    );
  }
  return undefined;
}

function signatureShape(v: PromotionVersion): unknown {
  const { inputs, outputs } = v.content.signature;
  return { inputs: Object.keys(inputs), outputs: Object.entries(outputs) };
}

/**
 * The spec of a promotion's run (kind 'promotion'): the challenger's signature and metric, one
 * model per version (`promotionModelName`), the promotion set as its test split. Validated like a
 * task file, so the evaluation activity reads it as it reads any run's spec.
 */
export function promotionSpec(
  champion: PromotionVersion,
  challenger: PromotionVersion,
  label: string,
  setSource: string,
): TaskSpec {
  const championModel = promotionModelName(champion.version);
  const challengerModel = promotionModelName(challenger.version);
  return validateTaskSpec(
    {
      name: challenger.name,
      description:
        `Gated promotion of ${challenger.name}@${label}: version ${champion.version} → ${challenger.version}, ` +
        `scored on ${setSource}`,
      signature: challenger.content.signature,
      data: { path: 'promotion-set.jsonl' },
      seedPrompt: challenger.content.genome.sections.task,
      metric: challenger.metric,
      models: { [championModel]: versionEndpoint(champion), [challengerModel]: versionEndpoint(challenger) },
      roles: { meta: challengerModel, dev: challengerModel, production: [championModel, challengerModel] },
    },
    `promotion of ${challenger.name}:${challenger.version}`,
  );
}

/**
 * Examples of the promotion set that either version was optimized on (train or validation, by
 * content hash): a message naming up to five of them and how many there are, or undefined.
 */
export function promotionSetOverlap(
  set: readonly { id: string; inputs: Record<string, unknown> }[],
  versions: readonly PromotionVersion[],
): string | undefined {
  // Versions optimized on the same examples (the usual case: one run) are named together.
  const byIds = new Map<string, { ids: string[]; refs: string[] }>();
  for (const v of versions) {
    const ids = overlapWith(set, v.source.optimizedOn);
    if (ids.length === 0) continue;
    const key = ids.join('\n');
    const entry = byIds.get(key) ?? { ids, refs: [] };
    entry.refs.push(`${v.name}:${v.version}`);
    byIds.set(key, entry);
  }
  const parts = [...byIds.values()].map(({ ids, refs }) => {
    const shown = ids.slice(0, 5).join(', ');
    const more = ids.length > 5 ? ` and ${ids.length - 5} more` : '';
    return `${ids.length} in what ${refs.join(' and ')} ${refs.length > 1 ? 'were' : 'was'} optimized on (${shown}${more})`;
  });
  if (parts.length === 0) return undefined;
  return (
    `the promotion set (${set.length} examples) overlaps the versions' train and validation examples: ` +
    `${parts.join('; ')}. A version scores better on examples it was optimized on, so the comparison ` +
    'would not be fair: use a dataset (--dataset) of examples neither version was optimized on'
  );
}
