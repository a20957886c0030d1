import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../../core/genome/parse-output.js';
import { nearMiss, parseAndClean } from '../../../core/program/clean-output.js';
import { editDistance } from '../../../core/text.js';
import type { Program } from '../../../core/program/program.js';
import { answerWithProgram, runOnExample } from '../../../core/program/run.js';
import { metricFromSpec, type Signature } from '../../../core/index.js';
import { seedGenome, ticketSignature } from '../core/fixtures.js';

const routing = ['billing', 'technical', 'shipping', 'account', 'escalation'];

describe('cleaning answers that narrowly miss the signature', () => {
  it('clamps numbers to the range, saying so, and leaves numbers inside it alone', () => {
    expect(parseAndClean('{"label":"billing","confidence":12}', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 10 },
      adjustments: ['confidence 12 clamped to 10'],
    });
    expect(parseAndClean('label: billing\nconfidence: -3', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 0 },
      adjustments: ['confidence -3 clamped to 0'],
    });
    expect(parseAndClean('{"label":"billing","confidence":"7/10"}', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 7 },
    });
    // The strict parser still refuses what the clean one clamps.
    expect(parseModelOutput('{"label":"billing","confidence":12}', ticketSignature).ok).toBe(false);
  });

  it('still refuses what is not a number, or not a whole number where one is required', () => {
    const whole: Signature = {
      inputs: { t: { type: 'string' } },
      outputs: { n: { type: 'number', integer: true, max: 5 } },
    };
    expect(parseAndClean('{"n":"lots"}', whole)).toEqual({
      ok: false,
      feedback: 'field "n": expected a number, got "lots"',
    });
    expect(parseAndClean('{"n":2.5}', whole)).toEqual({
      ok: false,
      feedback: 'field "n": expected a whole number, got 2.5',
    });
    expect(parseAndClean('{"n":9}', whole)).toEqual({ ok: true, outputs: { n: 5 }, adjustments: ['n 9 clamped to 5'] });
  });

  it('maps near-miss enum values to the one they plainly mean', () => {
    expect(nearMiss('Billing team', routing)).toBe('billing');
    expect(nearMiss('  "Technical."  ', routing)).toBe('technical');
    expect(nearMiss('tech', routing)).toBe('technical');
    expect(nearMiss('shiping', routing)).toBe('shipping');
    expect(nearMiss('acount', routing)).toBe('account');
    expect(nearMiss('needs review', ['needs_review', 'approved'])).toBe('needs_review');
    expect(parseAndClean('{"label":"Billing team","confidence":3}', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 3 },
      adjustments: ['label "Billing team" read as "billing"'],
    });
    // Case alone is plain coercion, not an adjustment.
    expect(parseAndClean('{"label":"BILLING","confidence":3}', ticketSignature)).toEqual({
      ok: true,
      outputs: { label: 'billing', confidence: 3 },
    });
  });

  it('refuses an enum answer that fits no value or several', () => {
    expect(nearMiss('billing or shipping', routing)).toBeUndefined();
    expect(nearMiss('ac', routing)).toBeUndefined(); // too short a prefix
    expect(nearMiss('sales', routing)).toBeUndefined();
    expect(nearMiss('', routing)).toBeUndefined();
    expect(nearMiss('cat', ['bat', 'hat'])).toBeUndefined(); // two values one edit away
    expect(nearMiss('re', ['red', 'reed'])).toBe('red'); // the one nearest value, though another is within 2 edits
    expect(parseAndClean('{"label":"sales","confidence":3}', ticketSignature)).toEqual({
      ok: false,
      feedback: 'field "label": "sales" is not allowed (allowed: billing, escalation, technical)',
    });
  });

  it('cleans numbers and enums inside lists and objects', () => {
    const nested: Signature = {
      inputs: { t: { type: 'string' } },
      outputs: {
        tags: { type: 'list', items: { type: 'enum', values: routing } },
        detail: { type: 'object', fields: { score: { type: 'number', min: 1, max: 5 } } },
      },
    };
    expect(parseAndClean('{"tags":["Billing!","shiping"],"detail":{"score":0}}', nested)).toEqual({
      ok: true,
      outputs: { tags: ['billing', 'shipping'], detail: { score: 1 } },
      adjustments: [
        'tags[0] "Billing!" read as "billing"',
        'tags[1] "shiping" read as "shipping"',
        'detail.score 0 clamped to 1',
      ],
    });
    expect(parseAndClean('{"tags":"billing","detail":{"score":3}}', nested)).toEqual({
      ok: false,
      feedback: 'field "tags": expected a list (JSON array), got "billing"',
    });
  });

  it('measures edit distance, stopping early past the cap', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('billing', 'billing')).toBe(0);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('is what evaluation parses with by default, so a clamped answer scores as the runtime will return it', async () => {
    const program: Program = { signature: ticketSignature, genome: seedGenome, demos: [] };
    const call = () =>
      Promise.resolve({
        content: '{"label":"Technical team","confidence":11}',
        promptTokens: 1,
        completionTokens: 1,
        latencyMs: 1,
        costUsd: 0,
        cached: false,
      });
    const answer = await answerWithProgram(program, { ticket: 't', priority: 1 }, call, { structuredOutput: false });
    expect(answer.parsed).toEqual({
      ok: true,
      outputs: { label: 'technical', confidence: 10 },
      adjustments: ['label "Technical team" read as "technical"', 'confidence 11 clamped to 10'],
    });
    const metric = metricFromSpec({ kind: 'exact_match', field: 'label', caseSensitive: false }, ticketSignature);
    const run = await runOnExample(
      program,
      { inputs: { ticket: 't', priority: 1 }, outputs: { label: 'technical', confidence: 8 } },
      call,
      { structuredOutput: false, metric },
    );
    expect(run.result.score).toBe(1);
    const strict = await runOnExample(
      program,
      { inputs: { ticket: 't', priority: 1 }, outputs: { label: 'technical', confidence: 8 } },
      call,
      { structuredOutput: false, metric, parse: (text, signature) => parseModelOutput(text, signature) },
    );
    expect(strict.result.score).toBe(0);
  });
});
