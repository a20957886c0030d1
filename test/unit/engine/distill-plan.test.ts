import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../../../core/index.js';
import {
  absoluteBudget,
  chooseTraceDemos,
  DistillConfigError,
  resolveDistillConfig,
} from '../../../core/engine/distill-plan.js';
import { Rng } from '../../../core/rng.js';
import { validTaskYaml } from '../core/fixtures.js';

const withSmall = validTaskYaml.replace(
  'roles:',
  `  small:
    baseUrl: http://localhost:8080/v1
    model: sim-small
roles:`,
);
const spec = (extra = ''): ReturnType<typeof parseTaskSpec> => parseTaskSpec(withSmall + extra, 'task.yaml');

describe('resolveDistillConfig', () => {
  it('takes the distill section, with the teacher and student roles as defaults', () => {
    const s = spec('  teacher: local\n  student: small\ndistill: { threshold: 0.8 }\n');
    expect(resolveDistillConfig(s)).toEqual({
      teacher: 'local',
      student: 'small',
      threshold: 0.8,
      maxRounds: 5,
      budget: {},
    });
  });

  it('lets overrides (CLI flags) win, and needs no distill section when they say enough', () => {
    const s = spec();
    const config = resolveDistillConfig(s, {
      teacher: 'local',
      student: 'small',
      threshold: 0.9,
      maxRounds: 0,
      budget: { usd: 1 },
      teacherProgram: { reasoning: 'think', samples: 5, temperature: 0.7 },
    });
    expect(config).toMatchObject({ threshold: 0.9, maxRounds: 0, budget: { usd: 1 } });
    expect(config.teacherProgram?.samples).toBe(5);
  });

  it('says everything that is missing or wrong in one error', () => {
    expect(() => resolveDistillConfig(spec(), { student: 'tiny', threshold: 1.5 })).toThrow(DistillConfigError);
    try {
      resolveDistillConfig(spec(), { student: 'tiny', threshold: 1.5 });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('no teacher model');
      expect(message).toContain('student model "tiny" is not one of the task\'s models (local, small)');
      expect(message).toContain('threshold must be within 0..1, got 1.5');
    }
  });
});

describe('distillation helpers', () => {
  it('spreads the chosen demos over the distinct answers, deterministically for a seed', () => {
    const pool = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, outputs: { label: 'billing' } })),
      { id: 's0', outputs: { label: 'shipping' } },
      { id: 'e0', outputs: { label: 'escalation' } },
    ];
    const chosen = chooseTraceDemos(pool, 4, Rng.fromSeed('x'));
    expect(chosen).toHaveLength(4);
    expect(new Set(chosen.map((t) => t.outputs.label))).toEqual(new Set(['billing', 'shipping', 'escalation']));
    expect(chooseTraceDemos(pool, 4, Rng.fromSeed('x'))).toEqual(chosen);
    expect(chooseTraceDemos(pool, 50, Rng.fromSeed('x'))).toHaveLength(12);
    expect(chooseTraceDemos([], 4, Rng.fromSeed('x'))).toEqual([]);
  });

  it('turns its own budget into limits on run totals', () => {
    const start = { calls: 100, cachedCalls: 5, tokens: 1000, costUsd: 0.5 };
    expect(absoluteBudget(start, { usd: 0.25, calls: 50 })).toEqual({ usd: 0.75, calls: 150 });
    expect(absoluteBudget(start, {})).toEqual({});
  });
});
