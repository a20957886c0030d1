import { demoKey, type Demo } from '../genome/genome.js';
import { acceptChild } from './guards.js';
import { type LocalOperator, parentAt } from './operator.js';

/** How many passing traces one bootstrap step adds. */
export const BOOTSTRAP_DEMOS_PER_STEP = 2;

/**
 * Bootstrapped demos (DSPy BootstrapFewShot): traces whose answers passed the metric
 * become demos. When the demo budget is full, example demos make room first, since a
 * trace also carries the reasoning that led to the right answer.
 */
export const bootstrapOperator: LocalOperator = {
  kind: 'local',
  name: 'bootstrap',
  parentsNeeded: 1,
  apply(ctx) {
    const parent = parentAt(ctx, 0, 'bootstrap');
    const present = new Set(parent.demos.map(demoKey));
    const presentSources = new Set(parent.demos.map((d) => (d.kind === 'example' ? d.exampleId : d.sourceExampleId)));
    const fresh = (ctx.passingTraces ?? []).filter(
      (t) => !present.has(demoKey(t)) && (t.sourceExampleId === undefined || !presentSources.has(t.sourceExampleId)),
    );
    if (fresh.length === 0) return { ok: false, reason: 'no passing traces that are not already demos' };
    if (ctx.limits.maxDemos === 0) return { ok: false, reason: 'search.maxDemos is 0, so no demos can be added' };
    const added: Demo[] = ctx.rng.sample(fresh, BOOTSTRAP_DEMOS_PER_STEP);
    const demos: Demo[] = [...parent.demos];
    for (const trace of added) {
      if (demos.length >= ctx.limits.maxDemos) {
        const exampleIndex = demos.findIndex((d) => d.kind === 'example');
        demos.splice(exampleIndex >= 0 ? exampleIndex : 0, 1);
      }
      demos.push(trace);
    }
    return acceptChild(
      { sections: parent.sections, demos },
      ctx,
      `bootstrap (+${added.length} trace demo${added.length === 1 ? '' : 's'})`,
    );
  },
};
