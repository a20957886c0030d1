import { describe, expect, it } from 'vitest';
import { decodePurpose, DISTILL_PURPOSE_LIKE, encodePurpose, type Purpose } from '../../../contracts/index.js';

describe('call purposes', () => {
  it('keeps the stored format: the name, prefixed with distill: for distillation', () => {
    expect(encodePurpose({ stage: 'evolve', name: 'validate' })).toBe('validate');
    expect(encodePurpose({ stage: 'evolve', name: 'propose:reflect' })).toBe('propose:reflect');
    expect(encodePurpose({ stage: 'distill', name: 'screen' })).toBe('distill:screen');
    expect(encodePurpose({ stage: 'distill', name: 'teacher-traces' })).toBe('distill:teacher-traces');
    expect(encodePurpose({ stage: 'distill', name: 'propose:demo' })).toBe('distill:propose:demo');
  });

  it('decodes every stored purpose back to the purpose it was written from', () => {
    const purposes: Purpose[] = [
      { stage: 'evolve', name: 'screen' },
      { stage: 'evolve', name: 'test' },
      { stage: 'evolve', name: 'production' },
      { stage: 'evolve', name: 'judge' },
      { stage: 'evolve', name: 'promotion' },
      { stage: 'evolve', name: 'propose:crossover' },
      { stage: 'distill', name: 'validate' },
      { stage: 'distill', name: 'test' },
      { stage: 'distill', name: 'propose:bootstrap' },
    ];
    for (const p of purposes) expect(decodePurpose(encodePurpose(p))).toEqual(p);
  });

  it('says undefined for a string no version writes', () => {
    expect(decodePurpose('propose:unknown-operator')).toBeUndefined();
    expect(decodePurpose('distill:')).toBeUndefined();
    expect(decodePurpose('evaluate')).toBeUndefined();
  });

  it('matches distillation purposes, and only those, with the SQL pattern', () => {
    const like = new RegExp(`^${DISTILL_PURPOSE_LIKE.replace('%', '.*')}$`);
    expect(like.test(encodePurpose({ stage: 'distill', name: 'validate' }))).toBe(true);
    expect(like.test(encodePurpose({ stage: 'evolve', name: 'validate' }))).toBe(false);
  });
});
