// Each example task has headroom under the simulator: stating every hidden rule (plus anchors for
// seller-score) scores clearly above the seed prompt on the test split. The numbers are in
// docs/SIMULATOR.md; `npx tsx test/model-server/ceilings.ts` prints them.
import { describe, expect, it } from 'vitest';
import { measureCeilings } from './ceilings.js';

describe('ceilings of the example tasks (sim-large, temperature 0, test split)', () => {
  it('every task has headroom between its seed prompt and its ceiling', () => {
    const ceilings = measureCeilings('large');
    expect(ceilings.map((c) => c.task).sort()).toEqual(['seller-score', 'shipping-address', 'ticket-routing']);
    for (const c of ceilings) {
      const top = c.allGuidance ?? c.allRules;
      expect(top - c.seed, `${c.task}: seed ${c.seed}, ceiling ${top}`).toBeGreaterThan(0.2);
      expect(top).toBeGreaterThan(0.9);
      expect(c.testSize).toBe(90);
    }
  });
});
