import type { Rng } from '../rng.js';
import { OPERATOR_NAMES, operatorWeight, type OperatorMix, type OperatorName } from '../task/search-spec.js';
import { closestName } from '../text.js';
import { bootstrapOperator } from './bootstrap.js';
import { crossoverOperator } from './crossover.js';
import { demoOperator } from './demos.js';
import { differentialOperator } from './differential.js';
import { mergeOperator } from './merge.js';
import { mutateOperator } from './mutate.js';
import type { Operator } from './operator.js';
import { pruneOperator } from './prune.js';
import { reflectOperator } from './reflect.js';

const OPERATORS: Record<OperatorName, Operator> = {
  mutate: mutateOperator,
  crossover: crossoverOperator,
  differential: differentialOperator,
  reflect: reflectOperator,
  merge: mergeOperator,
  demo: demoOperator,
  bootstrap: bootstrapOperator,
  prune: pruneOperator,
};

export function operatorFromName(name: string): Operator {
  const operator = (OPERATORS as Record<string, Operator | undefined>)[name];
  if (operator) return operator;
  const guess = closestName(name, OPERATOR_NAMES);
  throw new Error(
    `unknown operator "${name}"; known: ${OPERATOR_NAMES.join(', ')}${guess ? ` — did you mean "${guess}"?` : ''}`,
  );
}

/**
 * Draws an operator by weight. `usable` lets the caller exclude operators that cannot run
 * right now (merge without a shared ancestor, differential with fewer than 4 candidates).
 */
export function chooseOperator(
  mix: OperatorMix,
  rng: Rng,
  usable: (name: OperatorName) => boolean = () => true,
): OperatorName {
  const names = OPERATOR_NAMES.filter((name) => operatorWeight(mix, name) > 0 && usable(name));
  if (names.length === 0) throw new Error('no operator can run: every operator with a positive weight is unusable now');
  return rng.weightedPick(
    names,
    names.map((name) => operatorWeight(mix, name)),
  );
}
