import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Member, ModelRole } from '../contracts/index.js';
import { chunk } from '../core/engine/plan.js';
import type { ActivityWindow } from './fan-out.js';

/** About how many scores one read returns: each result stays far below Temporal's payload limits. */
const SCORES_PER_READ = 16_000;

/**
 * The members as workflow payloads carry them: a member scored on the whole validation split keeps
 * its mean and is marked `stored`; its vector stays in PostgreSQL. Payloads then grow with the
 * population, not with population × validation size.
 */
export function withoutScores(members: readonly Member[], valCount: number): Member[] {
  return members.map((m) => (valCount > 0 && m.scores.length === valCount ? { ...m, scores: [], stored: true } : m));
}

/**
 * The members with the vectors of `stored` ones read back (`validationScores`, no model call), a
 * few members per activity. A member whose stored vector is incomplete comes back unscored, so the
 * generation evaluates what is missing like any unscored parent.
 */
export async function withScores(
  acts: Pick<ActivityInterfaceFor<Activities>, 'validationScores'>,
  window: ActivityWindow,
  input: { runId: string; role: ModelRole },
  members: readonly Member[],
  valCount: number,
): Promise<Member[]> {
  const todo = new Set(members.filter((m) => m.stored && m.scores.length !== valCount).map((m) => m.hash));
  if (todo.size === 0) return [...members];
  const perRead = Math.max(1, Math.floor(SCORES_PER_READ / Math.max(1, valCount)));
  const reads = await Promise.all(
    chunk([...todo], perRead).map((hashes) =>
      window.run(() =>
        acts.validationScores.executeWithOptions({ summary: `read back ${hashes.length} validation score vector(s)` }, [
          { ...input, hashes },
        ]),
      ),
    ),
  );
  const byHash = new Map(reads.flat().map((r) => [r.hash, r.scores]));
  return members.map((m) => {
    if (!todo.has(m.hash)) return m;
    const { stored: _stored, ...member } = m;
    const scores = byHash.get(m.hash);
    return { ...member, scores: scores && scores.length === valCount ? scores : [] };
  });
}
