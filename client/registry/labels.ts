import { describeLabelMove, labelMove } from '../../core/registry/label-move.js';
import { assertLabel, DEFAULT_LABEL } from '../../core/registry/reference.js';
import type { Db } from '../../platform/db.js';
import { labelHistory, labelsOf, moveLabel, type MoveRecord } from '../../storage/registry.js';
import { CliError, EXIT } from '../errors.js';
import { checked } from './publish.js';
import { parseReference, resolveReference } from './read.js';

/** A label move made by the CLI, as printed. */
export interface LabelMoveOutcome {
  name: string;
  label: string;
  from: number | null;
  to: number;
  how: MoveRecord['how'];
  by: string;
  reason?: string;
  message: string;
}

async function applyMove(
  db: Db,
  name: string,
  label: string,
  from: number | null,
  to: number,
  record: MoveRecord,
): Promise<LabelMoveOutcome> {
  const move = labelMove(name, label, from, to);
  const check = await moveLabel(db, move, record);
  // Another move got there first: nothing changed, and the user decides again on what is there now.
  if (!check.ok) throw new CliError(check.message, 1);
  return {
    name,
    label,
    from,
    to,
    how: record.how,
    by: record.by,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    message: `${describeLabelMove(move)} (${record.how}, by ${record.by})`,
  };
}

export interface RollbackRequest {
  name: string;
  label?: string;
  /** Roll back to this version instead of the one before the label's last move. */
  to?: number;
  by: string;
  reason?: string;
}

/**
 * Moves a label back at once, without a gate: to the version it pointed at before its last move,
 * or to `to`. Compare-and-swap against the label as read, recorded as `rollback`.
 */
export async function rollback(db: Db, request: RollbackRequest): Promise<LabelMoveOutcome> {
  const label = request.label ?? DEFAULT_LABEL;
  const { name } = request;
  parseReference(`${name}@${label}`); // checks name and label
  const current = (await labelsOf(db, name))[label];
  if (current === undefined) {
    await resolveReference(db, { kind: 'label', name, label }); // says whether the name or the label is unknown
  }
  let target = request.to;
  if (target === undefined) {
    const last = (await labelHistory(db, name, label)).at(-1);
    if (!last || last.from === null) {
      throw new CliError(
        `${name}@${label} has never pointed at another version, so there is nothing to roll back to; ` +
          `name one with --to <version>`,
        EXIT.usage,
      );
    }
    target = last.from;
  } else {
    await resolveReference(db, { kind: 'version', name, version: target });
  }
  if (target === current) {
    throw new CliError(`${name}@${label} already points at version ${target}; nothing to roll back`, EXIT.usage);
  }
  return applyMove(db, name, label, current!, target, {
    how: 'rollback',
    by: request.by,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
  });
}

/** What `registry promote` is asked to do, before it is known whether a gate applies. */
export interface PromotionPlan {
  name: string;
  label: string;
  challenger: number;
  /** The label's current version; null when the label is unset. */
  champion: number | null;
  /** 'first': the label is unset; 'force': a recorded move without a gate; 'gate': a gated promotion. */
  path: 'first' | 'force' | 'gate';
}

/** Resolves `promote <N:version | N@label> [--label L] [--force]` to a challenger, a champion and a path. */
export async function planPromotion(
  db: Db,
  reference: string,
  label: string | undefined,
  force: boolean,
): Promise<PromotionPlan> {
  const ref = parseReference(reference);
  if (ref.kind === 'default') {
    throw new CliError(
      `"${reference}" names no version to promote; use ${reference}:<version> or ${reference}@<label> (e.g. ${reference}@staging)`,
      EXIT.usage,
    );
  }
  const target = label ?? DEFAULT_LABEL;
  checked(() => assertLabel(target, `--label ${target}`));
  const challenger = await resolveReference(db, ref);
  const champion = (await labelsOf(db, ref.name))[target] ?? null;
  if (champion === challenger.version) {
    throw new CliError(`${ref.name}@${target} already points at version ${champion}; nothing to promote`, EXIT.usage);
  }
  return {
    name: ref.name,
    label: target,
    challenger: challenger.version,
    champion,
    path: champion === null ? 'first' : force ? 'force' : 'gate',
  };
}

/** The moves `promote` makes without a gate: the label's first version, or a forced (recorded) move. */
export function promoteWithoutGate(
  db: Db,
  plan: PromotionPlan,
  by: string,
  reason: string | undefined,
): Promise<LabelMoveOutcome> {
  if (plan.path === 'gate') throw new Error('promoteWithoutGate: this promotion goes through the gate');
  return applyMove(db, plan.name, plan.label, plan.champion, plan.challenger, {
    how: plan.path,
    by,
    ...(reason !== undefined ? { reason } : {}),
  });
}
