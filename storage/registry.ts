import type { VersionContent } from '../core/registry/version.js';
import { checkLabelMove, type LabelMove, type LabelMoveCheck } from '../core/registry/label-move.js';
import type { MetricSpec } from '../core/task/metric-spec.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import type { Db } from '../platform/db.js';

/**
 * The prompt registry's tables (infra/migrations/007_registry.sql, docs/REGISTRY.md): immutable
 * versions numbered per name, labels that move only by compare-and-swap, and every move kept.
 */

/** What was published: a run's best, any of its candidates, or its distilled student. */
export type PublishedKind = 'best' | 'candidate' | 'distilled';

/** Where a version came from, copied in so it outlives its run. */
export interface VersionSource {
  runId: string;
  candidateHash: string;
  kind: PublishedKind;
  task: string;
  /** sha256 over the run's examples (id, split, inputs, outputs) in order. */
  datasetHash: string;
  scores: { val: number | null; test: number | null };
  /** Content hashes (`exampleContentHash`) of the train and validation examples it was optimized on. */
  optimizedOn: string[];
}

export interface NewVersion {
  name: string;
  hash: string;
  content: VersionContent;
  metric: MetricSpec;
  /** The endpoint it was scored on; holds a key's variable name at most, never a key. */
  endpoint: ModelSpec;
  source: VersionSource;
  createdBy: string;
}

export interface StoredVersion extends NewVersion {
  version: number;
  createdAt: Date;
}

interface VersionRow {
  name: string;
  version: number;
  hash: string;
  content: VersionContent;
  metric: MetricSpec;
  endpoint: ModelSpec;
  source: VersionSource;
  created_by: string;
  created_at: Date;
}

const VERSION_COLUMNS = 'name, version, hash, content, metric, endpoint, source, created_by, created_at';

function toVersion(row: VersionRow): StoredVersion {
  return {
    name: row.name,
    version: row.version,
    hash: row.hash,
    content: row.content,
    metric: row.metric,
    endpoint: row.endpoint,
    source: row.source,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/**
 * Stores a version under the next number of its name, or finds the version with the same content
 * already there (`created: false`). Concurrent publishes of one name are serialised by a
 * transaction-scoped advisory lock, so numbers have no gaps and no duplicates.
 */
export async function publishVersion(db: Db, v: NewVersion): Promise<{ version: StoredVersion; created: boolean }> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('promptevo.registry:' || $1))`, [v.name]);
    const existing = await client.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions WHERE name = $1 AND hash = $2`,
      [v.name, v.hash],
    );
    if (existing.rows[0]) {
      await client.query('COMMIT');
      return { version: toVersion(existing.rows[0]), created: false };
    }
    const { rows } = await client.query<VersionRow>(
      `INSERT INTO registry_versions (name, version, hash, content, metric, endpoint, source, created_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM registry_versions WHERE name = $1
       RETURNING ${VERSION_COLUMNS}`,
      [
        v.name,
        v.hash,
        JSON.stringify(v.content),
        JSON.stringify(v.metric),
        JSON.stringify(v.endpoint),
        JSON.stringify(v.source),
        v.createdBy,
      ],
    );
    await client.query('COMMIT');
    return { version: toVersion(rows[0]!), created: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function findVersion(db: Db, name: string, version: number): Promise<StoredVersion | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_versions WHERE name = $1 AND version = $2`,
    [name, version],
  );
  return rows[0] ? toVersion(rows[0]) : undefined;
}

/** The version a label points at, or undefined when the label is unset. */
export async function findLabelledVersion(db: Db, name: string, label: string): Promise<StoredVersion | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS.split(', ')
      .map((c) => `v.${c}`)
      .join(', ')}
       FROM registry_labels l JOIN registry_versions v ON v.name = l.name AND v.version = l.version
      WHERE l.name = $1 AND l.label = $2`,
    [name, label],
  );
  return rows[0] ? toVersion(rows[0]) : undefined;
}

/** Every version of a name, oldest first. */
export async function listVersions(db: Db, name: string): Promise<StoredVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_versions WHERE name = $1 ORDER BY version`,
    [name],
  );
  return rows.map(toVersion);
}

export interface NameSummary {
  name: string;
  versions: number;
  latest: number;
  updatedAt: Date;
  labels: Record<string, number>;
}

/** Every registered name with its version count, latest version and labels. */
export async function listNames(db: Db): Promise<NameSummary[]> {
  const { rows } = await db.query<{
    name: string;
    versions: string;
    latest: number;
    updated_at: Date;
    labels: Record<string, number> | null;
  }>(
    `SELECT v.name, count(*) AS versions, max(v.version) AS latest, max(v.created_at) AS updated_at,
            (SELECT jsonb_object_agg(l.label, l.version) FROM registry_labels l WHERE l.name = v.name) AS labels
       FROM registry_versions v GROUP BY v.name ORDER BY v.name`,
  );
  return rows.map((r) => ({
    name: r.name,
    versions: Number(r.versions),
    latest: r.latest,
    updatedAt: r.updated_at,
    labels: r.labels ?? {},
  }));
}

/** A name's labels and the versions they point at. */
export async function labelsOf(db: Db, name: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ label: string; version: number }>(
    'SELECT label, version FROM registry_labels WHERE name = $1 ORDER BY label',
    [name],
  );
  return Object.fromEntries(rows.map((r) => [r.label, r.version]));
}

/** How a label came to move, kept with the move. */
export interface MoveRecord {
  how: 'publish' | 'first' | 'promote' | 'force' | 'rollback';
  by: string;
  reason?: string;
  evidence?: unknown;
}

/**
 * Moves a label by compare-and-swap: it applies only if the label still points at `move.from`
 * (unset when null). The label's row is locked for the check, so of two moves decided on the same
 * champion one wins and the other is refused with the label's current version. The target version
 * must exist; the move is recorded with who, why and the evidence.
 */
export async function moveLabel(db: Db, move: LabelMove, record: MoveRecord): Promise<LabelMoveCheck> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // Serialises moves of one label, including the first (no row to lock yet).
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('promptevo.label:' || $1 || '@' || $2))`, [
      move.name,
      move.label,
    ]);
    const current = await client.query<{ version: number }>(
      'SELECT version FROM registry_labels WHERE name = $1 AND label = $2',
      [move.name, move.label],
    );
    const check = checkLabelMove(move, current.rows[0]?.version ?? null);
    if (!check.ok) {
      await client.query('ROLLBACK');
      return check;
    }
    const target = await client.query('SELECT 1 FROM registry_versions WHERE name = $1 AND version = $2', [
      move.name,
      move.to,
    ]);
    if (target.rows.length === 0) {
      await client.query('ROLLBACK');
      return {
        ok: false,
        current: current.rows[0]?.version ?? null,
        message: `${move.name}:${move.to} does not exist; see \`promptevo registry show ${move.name}\` for its versions`,
      };
    }
    await client.query(
      `INSERT INTO registry_labels (name, label, version) VALUES ($1, $2, $3)
       ON CONFLICT (name, label) DO UPDATE SET version = EXCLUDED.version, moved_at = now()`,
      [move.name, move.label, move.to],
    );
    await client.query(
      `INSERT INTO registry_label_moves (name, label, from_version, to_version, how, moved_by, reason, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        move.name,
        move.label,
        move.from,
        move.to,
        record.how,
        record.by,
        record.reason ?? null,
        record.evidence === undefined ? null : JSON.stringify(record.evidence),
      ],
    );
    await client.query('COMMIT');
    return { ok: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface StoredLabelMove {
  id: number;
  name: string;
  label: string;
  from: number | null;
  to: number;
  how: MoveRecord['how'];
  by: string;
  reason: string | null;
  evidence: unknown;
  movedAt: Date;
}

/** A name's label moves, oldest first; one label's only when `label` is given. */
export async function labelHistory(db: Db, name: string, label?: string): Promise<StoredLabelMove[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    label: string;
    from_version: number | null;
    to_version: number;
    how: MoveRecord['how'];
    moved_by: string;
    reason: string | null;
    evidence: unknown;
    moved_at: Date;
  }>(
    `SELECT id, name, label, from_version, to_version, how, moved_by, reason, evidence, moved_at
       FROM registry_label_moves WHERE name = $1 AND ($2::text IS NULL OR label = $2) ORDER BY id`,
    [name, label ?? null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    label: r.label,
    from: r.from_version,
    to: r.to_version,
    how: r.how,
    by: r.moved_by,
    reason: r.reason,
    evidence: r.evidence,
    movedAt: r.moved_at,
  }));
}

export type PromotionStatus = 'running' | 'promoted' | 'refused' | 'failed';

export interface StoredPromotion {
  id: string;
  name: string;
  label: string;
  champion: number | null;
  challenger: number;
  status: PromotionStatus;
  decision: unknown;
  requestedBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Records a promotion as started; recording it again (a retried activity) changes nothing. */
export async function insertPromotion(
  db: Db,
  p: Pick<StoredPromotion, 'id' | 'name' | 'label' | 'champion' | 'challenger' | 'requestedBy'>,
): Promise<void> {
  await db.query(
    `INSERT INTO registry_promotions (id, name, label, champion, challenger, requested_by)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [p.id, p.name, p.label, p.champion, p.challenger, p.requestedBy],
  );
}

export async function finishPromotion(
  db: Db,
  id: string,
  status: Exclude<PromotionStatus, 'running'>,
  decision: unknown,
): Promise<void> {
  await db.query(
    `UPDATE registry_promotions SET status = $2, decision = $3, finished_at = coalesce(finished_at, now())
      WHERE id = $1`,
    [id, status, JSON.stringify(decision)],
  );
}

export async function findPromotion(db: Db, id: string): Promise<StoredPromotion | undefined> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    label: string;
    champion: number | null;
    challenger: number;
    status: PromotionStatus;
    decision: unknown;
    requested_by: string;
    created_at: Date;
    finished_at: Date | null;
  }>('SELECT * FROM registry_promotions WHERE id = $1', [id]);
  const r = rows[0];
  return r
    ? {
        id: r.id,
        name: r.name,
        label: r.label,
        champion: r.champion,
        challenger: r.challenger,
        status: r.status,
        decision: r.decision,
        requestedBy: r.requested_by,
        createdAt: r.created_at,
        finishedAt: r.finished_at,
      }
    : undefined;
}

/** How many promotions a name has had: the next one's number is this plus one. */
export async function countPromotions(db: Db, name: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM registry_promotions WHERE name = $1', [
    name,
  ]);
  return Number(rows[0]!.n);
}
