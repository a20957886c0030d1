import { OPERATOR_NAMES, type OperatorName } from '../core/task/search-spec.js';
import type { Stage } from './values.js';

/**
 * What a model call is for. The ledger (`model_calls.purpose`) reports spend per purpose, and
 * distillation's calls are told apart from the run's own by their stage.
 *
 * Stored format (kept as it was, so stored rows and histories stay valid): the purpose's name,
 * prefixed with `distill:` for distillation's calls, e.g. `validate`, `propose:reflect`,
 * `distill:teacher-traces`. SQL that leaves distillation out filters on DISTILL_PURPOSE_LIKE.
 */
export type PurposeName =
  'screen' | 'validate' | 'test' | 'production' | 'teacher-traces' | 'judge' | 'promotion' | `propose:${OperatorName}`;

export interface Purpose {
  stage: Stage;
  name: PurposeName;
}

/** A purpose as stored in PostgreSQL and carried in activity inputs. */
export type StoredPurpose = PurposeName | `distill:${PurposeName}`;

const DISTILL_PREFIX = 'distill:';

/** `LIKE` pattern of distillation's stored purposes (`purpose NOT LIKE $n` leaves distillation out). */
export const DISTILL_PURPOSE_LIKE = `${DISTILL_PREFIX}%`;

export function encodePurpose(purpose: Purpose): StoredPurpose {
  return purpose.stage === 'distill' ? `${DISTILL_PREFIX}${purpose.name}` : purpose.name;
}

const NAMES = new Set<string>([
  'screen',
  'validate',
  'test',
  'production',
  'teacher-traces',
  'judge',
  'promotion',
  ...OPERATOR_NAMES.map((operator) => `propose:${operator}`),
]);

/** The purpose a stored string stands for; undefined for a string this version does not write. */
export function decodePurpose(stored: string): Purpose | undefined {
  const distill = stored.startsWith(DISTILL_PREFIX);
  const name = distill ? stored.slice(DISTILL_PREFIX.length) : stored;
  return NAMES.has(name) ? { stage: distill ? 'distill' : 'evolve', name: name as PurposeName } : undefined;
}

/** What a `program_scores` row summarises: production scoring, or distillation's teacher or student. */
export type ProgramScorePurpose = 'production' | 'distill-teacher' | 'distill-student';
