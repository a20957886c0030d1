import { describe, expect, it } from 'vitest';
import { metricFromSpec, renderTaskMessages, type Genome } from '../../../core/index.js';
import type { Program } from '../../../core/program/program.js';
import type { ProgramRequest } from '../../../core/program/request.js';
import { answerWithProgram, runOnExample, type ProgramCall } from '../../../core/program/run.js';
import type { SampleReply } from '../../../core/program/vote.js';
import { seedGenome, ticketSignature } from '../core/fixtures.js';

const thinking: Genome = { ...seedGenome, sections: { ...seedGenome.sections, reasoning: 'think' } };
const demos = [
  { inputs: { ticket: 'My card was charged twice', priority: 2 }, outputs: { label: 'billing', confidence: 9 } },
];
const example = {
  inputs: { ticket: 'The app crashes on start', priority: 3 },
  outputs: { label: 'technical', confidence: 8 },
};
const metric = metricFromSpec({ kind: 'exact_match', field: 'label', caseSensitive: false }, ticketSignature);

const reply = (content: string, extra: Partial<SampleReply> = {}): SampleReply => ({
  content,
  promptTokens: 100,
  completionTokens: 10,
  latencyMs: 50,
  costUsd: 0.01,
  cached: false,
  ...extra,
});

/** A stub model: answers from a list by the request's seed (0 for a single call) and records every request. */
function stubCall(answers: Record<number, SampleReply>): { call: ProgramCall; requests: ProgramRequest[] } {
  const requests: ProgramRequest[] = [];
  return {
    requests,
    call: (request) => {
      requests.push(request);
      return Promise.resolve(answers[request.seed ?? 0]!);
    },
  };
}

describe('running a program on an example', () => {
  it('renders the genome, asks once at temperature 0, parses and scores the answer', async () => {
    const program: Program = { signature: ticketSignature, genome: seedGenome, demos };
    const { call, requests } = stubCall({ 0: reply('Label: Technical\nconfidence: 8/10') });
    const run = await runOnExample(program, example, call, { structuredOutput: false, metric });

    expect(requests).toEqual([
      { messages: renderTaskMessages(seedGenome, ticketSignature, demos, example.inputs), temperature: 0 },
    ]);
    expect(run.parsed).toEqual({ ok: true, outputs: { label: 'technical', confidence: 8 } });
    expect(run.result).toEqual({ score: 1 });
    expect(run.output).toBe('{"label":"technical","confidence":8}');
  });

  it('asks for the JSON schema and checks the reply is JSON when the endpoint has structured output', async () => {
    const program: Program = { signature: ticketSignature, genome: thinking, demos: [] };
    const { call, requests } = stubCall({ 0: reply('{"reasoning":"crash","label":"technical","confidence":8}') });
    const run = await runOnExample(program, example, call, { structuredOutput: true, metric });

    const schema = requests[0]!.responseFormat!.json_schema.schema as { required: string[] };
    expect(schema.required).toEqual(['reasoning', 'label', 'confidence']);
    expect(requests[0]!.validate?.('not json')).toMatch(/not valid JSON/);
    expect(requests[0]!.validate?.('{}')).toBeUndefined();
    expect(run.output).toBe('{"label":"technical","confidence":8,"reasoning":"crash"}');
  });

  it('votes over samples, each its own seeded request, and adds up what they cost', async () => {
    const program: Program = {
      signature: ticketSignature,
      genome: seedGenome,
      demos: [],
      sampling: { samples: 3, temperature: 0.7 },
    };
    const { call, requests } = stubCall({
      1: reply('{"label":"billing","confidence":5}', { latencyMs: 30 }),
      2: reply('{"label":"technical","confidence":8}', { latencyMs: 90, cached: true }),
      3: reply('{"label":"Technical","confidence":"8"}', { latencyMs: 40 }),
    });
    const run = await runOnExample(program, example, call, { structuredOutput: false, metric });

    expect(requests.map((r) => [r.seed, r.temperature])).toEqual([
      [1, 0.7],
      [2, 0.7],
      [3, 0.7],
    ]);
    expect(run.parsed).toEqual({ ok: true, outputs: { label: 'technical', confidence: 8 } });
    expect(run.reply).toMatchObject({
      content: '{"label":"technical","confidence":8}',
      promptTokens: 300,
      completionTokens: 30,
      latencyMs: 90,
      cached: false,
    });
    expect(run.reply.costUsd).toBeCloseTo(0.03);
    expect(run.result.score).toBe(1);
  });

  it('makes one call when the program has a single sample', async () => {
    const program: Program = {
      signature: ticketSignature,
      genome: seedGenome,
      demos: [],
      sampling: { samples: 1, temperature: 0.9 },
    };
    const { call, requests } = stubCall({ 0: reply('{"label":"billing","confidence":5}') });
    await answerWithProgram(program, example.inputs, call, { structuredOutput: false });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ temperature: 0 });
    expect(requests[0]).not.toHaveProperty('seed');
  });

  it('scores an unparsable answer 0, saying why and that the reply stayed malformed', async () => {
    const program: Program = { signature: ticketSignature, genome: seedGenome, demos: [] };
    const { call } = stubCall({ 0: reply('{"label":"sales"', { malformed: 'the reply was cut off' }) });
    const run = await runOnExample(program, example, call, { structuredOutput: false, metric });
    expect(run.output).toBeNull();
    expect(run.result.score).toBe(0);
    expect(run.result.feedback).toMatch(/^the output could not be parsed: the reply was cut off after every retry; /);
  });

  it('takes another parser in place of parseModelOutput', async () => {
    const program: Program = { signature: ticketSignature, genome: seedGenome, demos: [] };
    const { call } = stubCall({ 0: reply('TECHNICAL') });
    const run = await runOnExample(program, example, call, {
      structuredOutput: false,
      metric,
      parse: (content) => ({ ok: true, outputs: { label: content.toLowerCase(), confidence: 5 } }),
    });
    expect(run.result.score).toBe(1);
  });
});
