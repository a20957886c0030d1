import { renderInstruction } from '../../core/genome/instruction.js';
import { outputFormatFor } from '../../core/genome/render.js';
import { DEFAULT_LABEL, parseVersionReference, type VersionReference } from '../../core/registry/reference.js';
import type { Db } from '../../platform/db.js';
import {
  findLabelledVersion,
  findVersion,
  labelHistory,
  labelsOf,
  listNames,
  listVersions,
  type NameSummary,
  type StoredLabelMove,
  type StoredVersion,
} from '../../storage/registry.js';
import { CliError, EXIT } from '../errors.js';

export function parseReference(text: string): VersionReference {
  try {
    return parseVersionReference(text);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
}

async function unknownName(db: Db, name: string): Promise<CliError> {
  const known = (await listNames(db)).map((n) => n.name);
  const hint = known.length > 0 ? `registered names: ${known.slice(0, 10).join(', ')}` : 'the registry is empty';
  return new CliError(
    `no prompt named "${name}" in the registry (${hint}); publish one with \`promptevo registry publish <runId> --name ${name}\``,
    EXIT.notFound,
  );
}

/**
 * The version a reference names: `name:version`, `name@label`, or a bare name for its
 * `production` label. An unknown name, label or version is an error saying what exists.
 */
export async function resolveReference(db: Db, ref: VersionReference | string): Promise<StoredVersion> {
  const r = typeof ref === 'string' ? parseReference(ref) : ref;
  if (r.kind === 'version') {
    const found = await findVersion(db, r.name, r.version);
    if (found) return found;
    const versions = await listVersions(db, r.name);
    if (versions.length === 0) throw await unknownName(db, r.name);
    throw new CliError(
      `${r.name} has no version ${r.version}; its versions are 1 to ${versions[versions.length - 1]!.version} ` +
        `(\`promptevo registry show ${r.name}\`)`,
      EXIT.notFound,
    );
  }
  const label = r.kind === 'label' ? r.label : DEFAULT_LABEL;
  const found = await findLabelledVersion(db, r.name, label);
  if (found) return found;
  if ((await listVersions(db, r.name)).length === 0) throw await unknownName(db, r.name);
  const labels = Object.keys(await labelsOf(db, r.name));
  throw new CliError(
    `${r.name} has no label "${label}" (${labels.length > 0 ? `its labels: ${labels.join(', ')}` : 'it has no labels yet'}); ` +
      `name a version as ${r.name}:<n>, or set the label with \`promptevo registry promote\``,
    EXIT.notFound,
  );
}

/** `registry show name`: every version of a name and its labels. */
export interface NameView {
  name: string;
  labels: Record<string, number>;
  versions: {
    version: number;
    hash: string;
    createdAt: string;
    createdBy: string;
    kind: string;
    runId: string;
    model: string;
    scores: { val: number | null; test: number | null };
    labels: string[];
  }[];
}

export async function showName(db: Db, name: string): Promise<NameView> {
  const versions = await listVersions(db, name);
  if (versions.length === 0) throw await unknownName(db, name);
  const labels = await labelsOf(db, name);
  return {
    name,
    labels,
    versions: versions.map((v) => ({
      version: v.version,
      hash: v.hash,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdBy,
      kind: v.source.kind,
      runId: v.source.runId,
      model: v.content.model,
      scores: v.source.scores,
      labels: labelsPointingAt(labels, v.version),
    })),
  };
}

function labelsPointingAt(labels: Record<string, number>, version: number): string[] {
  return Object.entries(labels)
    .filter(([, v]) => v === version)
    .map(([l]) => l)
    .sort();
}

/** `registry show name:version | name@label`: one version, whole, with what a person reads first. */
export interface VersionView extends Omit<StoredVersion, 'createdAt'> {
  reference: string;
  createdAt: string;
  /** The system instruction as the model receives it. */
  instruction: string;
  demoCount: number;
  labels: string[];
}

export function versionView(v: StoredVersion, labels: Record<string, number>): VersionView {
  const { signature, genome } = v.content;
  return {
    ...v,
    reference: `${v.name}:${v.version}`,
    createdAt: v.createdAt.toISOString(),
    instruction: renderInstruction(genome.sections, outputFormatFor(signature, genome.sections.reasoning)),
    demoCount: genome.demos.length,
    labels: labelsPointingAt(labels, v.version),
  };
}

export async function showVersion(db: Db, ref: VersionReference): Promise<VersionView> {
  const v = await resolveReference(db, ref);
  return versionView(v, await labelsOf(db, v.name));
}

export function listRegistry(db: Db): Promise<NameSummary[]> {
  return listNames(db);
}

/** `registry history name [--label L]`: the label moves, oldest first. */
export async function history(db: Db, name: string, label?: string): Promise<StoredLabelMove[]> {
  const moves = await labelHistory(db, name, label);
  if (moves.length === 0 && (await listVersions(db, name)).length === 0) throw await unknownName(db, name);
  return moves;
}
