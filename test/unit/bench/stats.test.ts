import { describe, expect, it } from 'vitest';
import { pairedDifference, seedDifference, tInterval } from '../../../bench/dspy/stats.js';

describe('benchmark intervals', () => {
  it("seedDifference is Welch's interval of the difference of per-seed means", () => {
    // Means 0.95 and 0.90; sample variances 0.0008/3 and 0.0002/3 over 4 runs each, so
    // se = sqrt(0.0008/12 + 0.0002/12) = 0.00913, Welch df = 4.41 and t(0.975, 4.41) ≈ 2.68
    // (between t(0.975, 4) = 2.776 and t(0.975, 5) = 2.571; a pooled df of 6 would give 2.447).
    const d = seedDifference([0.93, 0.95, 0.97, 0.95], [0.89, 0.9, 0.91, 0.9]);
    expect(d.mean).toBeCloseTo(0.05, 10);
    const se = Math.sqrt(0.0008 / 3 / 4 + 0.0002 / 3 / 4);
    expect((d.hi - d.mean) / se).toBeCloseTo(2.68, 1);
    expect(d.lo).toBeCloseTo(2 * d.mean - d.hi, 10);
  });

  it('counts seed disagreement that the example-paired interval leaves out', () => {
    // Two seeds agree with the baseline, one is 0.2 better on every example: paired by example the
    // gain looks certain; over seeds it is not.
    const base = [Array(10).fill(0.5), Array(10).fill(0.5), Array(10).fill(0.5)];
    const arm = [Array(10).fill(0.5), Array(10).fill(0.5), Array(10).fill(0.7)];
    const byExample = pairedDifference(arm, base);
    expect(byExample.lo).toBeCloseTo(byExample.mean, 10);
    const bySeed = seedDifference(
      arm.map((s) => tInterval(s).mean),
      base.map((s) => tInterval(s).mean),
    );
    expect(bySeed.mean).toBeCloseTo(0.0667, 3);
    expect(bySeed.lo).toBeLessThan(0);
  });

  it('has no bounds with fewer than two runs a side, and a point when nothing varies', () => {
    expect(seedDifference([0.9], [0.8, 0.85]).lo).toBeNaN();
    expect(seedDifference([0.9, 0.9], [0.8, 0.8])).toEqual({
      mean: expect.closeTo(0.1, 10),
      lo: expect.closeTo(0.1, 10),
      hi: expect.closeTo(0.1, 10),
      n: 2,
    });
  });
});
