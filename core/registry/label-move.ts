import { assertLabel, assertName } from './reference.js';

/**
 * A compare-and-swap move of a label: point `name@label` at version `to`, but only if it still
 * points at `from` (null: only if the label does not exist yet). Two promotions decided on the same
 * champion cannot both win; the second finds the label moved and must decide again.
 */
export interface LabelMove {
  name: string;
  label: string;
  from: number | null;
  to: number;
}

export type LabelMoveCheck = { ok: true } | { ok: false; current: number | null; message: string };

export function labelMove(name: string, label: string, from: number | null, to: number): LabelMove {
  const where = `${name}@${label}`;
  assertName(name, where);
  assertLabel(label, where);
  for (const [which, version] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (version !== null && !(Number.isSafeInteger(version) && version >= 1)) {
      throw new Error(`moving ${where}: "${which}" must be a positive version number, got ${version}`);
    }
  }
  if (from === to) throw new Error(`moving ${where} from version ${to} to ${to} changes nothing`);
  return { name, label, from, to };
}

/** Whether the move still applies to the label as it is now (`current`: its version, null when unset). */
export function checkLabelMove(move: LabelMove, current: number | null): LabelMoveCheck {
  if (current === move.from) return { ok: true };
  const expected = move.from === null ? 'to be unset' : `at version ${move.from}`;
  const actual = current === null ? 'it is unset' : `it points at version ${current}`;
  return {
    ok: false,
    current,
    message: `${describeLabelMove(move)} refused: expected ${move.name}@${move.label} ${expected}, but ${actual}; compare against the current version and decide again`,
  };
}

export function describeLabelMove(move: LabelMove): string {
  return `${move.name}@${move.label}: ${move.from === null ? 'unset' : `version ${move.from}`} → version ${move.to}`;
}
