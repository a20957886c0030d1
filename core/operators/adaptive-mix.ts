import { OPERATOR_NAMES, operatorWeight, type OperatorMix, type OperatorName } from '../task/search-spec.js';

/** Per operator: children screened, and how many of them beat their parent on the minibatch. */
export type OperatorCredit = Partial<Record<OperatorName, { tried: number; passed: number }>>;

/** No operator with a positive weight drops below this share of the draws, so each keeps being tried. */
export const MIN_SHARE = 0.04;

/**
 * Adaptive operator selection by probability matching: each operator's configured weight times its
 * estimated success rate, the posterior mean (passed + 1) / (tried + 2) of a uniform prior, so
 * before any evidence the configured mix is used unchanged. An operator whose children rarely beat
 * their parents on the screen is drawn less, never less than MIN_SHARE of the draws.
 */
export function adaptedMix(mix: OperatorMix, credit: OperatorCredit): OperatorMix {
  const raw = OPERATOR_NAMES.map((name) => {
    const c = credit[name] ?? { tried: 0, passed: 0 };
    const weight = operatorWeight(mix, name);
    return weight > 0 ? (weight * (c.passed + 1)) / (c.tried + 2) : 0;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  const floor = MIN_SHARE * total;
  return Object.fromEntries(
    OPERATOR_NAMES.map((name, i) => [name, raw[i]! > 0 ? Math.max(raw[i]!, floor) : 0]),
  ) as OperatorMix;
}

/** The credit after a generation's screen: one trial per child screened (or rejected), a pass per child promoted. */
export function creditAfterScreen(
  credit: OperatorCredit,
  outcomes: readonly { operator: OperatorName; passed: boolean }[],
): OperatorCredit {
  const next: OperatorCredit = { ...credit };
  for (const { operator, passed } of outcomes) {
    const c = next[operator] ?? { tried: 0, passed: 0 };
    next[operator] = { tried: c.tried + 1, passed: c.passed + (passed ? 1 : 0) };
  }
  return next;
}
