import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { metricFromSpec, parseTaskSpec, type Genome } from '../../../core/index.js';
import type { Program } from '../../../core/program/program.js';
import { requestKey, type ModelCallRequest, type ModelCallResult } from '../../../activities/model-gateway.js';
import { gatewayCall, gatewayRequest, programRunner, type CallSite } from '../../../activities/program-runner.js';
import { programRequests } from '../../../core/program/request.js';

const spec = parseTaskSpec(
  `
name: ticket-router
signature:
  inputs: { ticket: string, priority: { type: number } }
  outputs:
    label: { type: enum, values: [billing, escalation, technical] }
    confidence: { type: number, min: 0, max: 10 }
data: { path: ./tickets.csv }
seedPrompt: Route each ticket to the right team.
metric: { kind: exact_match, field: label }
models:
  local: { baseUrl: http://localhost:8080/v1/, model: sim-7b, temperature: 0.3, maxTokens: 300 }
roles: { meta: local, dev: local, production: local }
`,
  'task.yaml',
);
const endpoint = spec.models.local!;
const site: CallSite = { runId: 'r1', generation: 3, purpose: 'distill:validate', modelName: 'local', endpoint };
const genome = (reasoning: 'direct' | 'think'): Genome => ({
  sections: { role: 'You route tickets.', task: 'Route each ticket.', rules: ['Be careful.'], reasoning },
  demos: [],
});
const thinkDemos = [
  { inputs: { ticket: 'ticket number 5', priority: 5 }, outputs: { label: 'escalation', confidence: 7 } },
  { inputs: { ticket: 'x', priority: 1 }, outputs: { label: 'billing', confidence: 3 }, reasoning: 'because' },
];
const example = { id: 'e1', inputs: { ticket: 'ticket number 1', priority: 1 }, outputs: { label: 'technical' } };
const metric = metricFromSpec(spec.metric, spec.signature);

/** A stub gateway: records each request and answers `content`. */
function stubGateway(answer: (req: ModelCallRequest) => string) {
  const requests: ModelCallRequest[] = [];
  return {
    requests,
    call(req: ModelCallRequest): Promise<ModelCallResult> {
      requests.push(req);
      const content = answer(req);
      return Promise.resolve({
        content,
        promptTokens: 7,
        completionTokens: 2,
        latencyMs: 5,
        costUsd: 0,
        cached: false,
      });
    },
  };
}

async function keysFor(program: Program, structuredOutput: boolean): Promise<string[]> {
  const gateway = stubGateway(() => '{"label":"technical","confidence":5}');
  const run = programRunner({ program, call: gatewayCall(gateway, site), structuredOutput, metric });
  await run(example);
  expect(gateway.requests.every((r) => r.purpose === 'distill:validate' && r.generation === 3)).toBe(true);
  return [...gateway.requests].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0)).map(requestKey);
}

describe('the program runner', () => {
  // Response-cache keys of the requests evaluations sent before the runner existed: a change to
  // messages, response format, temperature or seed would re-pay every cached call.
  it('sends the same requests as before, so every cached answer is found again', async () => {
    expect(await keysFor({ signature: spec.signature, genome: genome('direct'), demos: [] }, true)).toEqual([
      '5bbef04e1ec693a423ee9fad3dc69d9ef25f14ecb020354cc5893022e536b606',
    ]);
    expect(await keysFor({ signature: spec.signature, genome: genome('think'), demos: thinkDemos }, true)).toEqual([
      '7c8623a9b2200bd5c62d8897049efeca1d5db481bda933710fa7a385f227f508',
    ]);
    const voting: Program = {
      signature: spec.signature,
      genome: genome('think'),
      demos: thinkDemos,
      sampling: { samples: 5, temperature: 0.7 },
    };
    expect(await keysFor(voting, false)).toEqual([
      '3cf2009a3aa8cebcdc3506732cb7d32b3b718dd29d3ca2fe98f6ee02a5e0dec9',
      'cd3cc3c313c5022f5b3f11a3f336ad67f31a19744c146a2edd6fa3b549c70e18',
      '17fd6546d0e8f3c540a8204f6de5810fafb249a78c1234a29e64773c0f1fbcd3',
      'a000f59fa9f35db98a8a46edd3248791b35e1ad971fa5339e9c8388787a0599c',
      '83ab302b48618e74680f9713afd8b12f41645fd10d5dab722b14e69d0cfbea43',
    ]);
  });

  it("a batch's requests built ahead (for one cache lookup) are the ones the runner sends", async () => {
    const voting: Program = {
      signature: spec.signature,
      genome: genome('think'),
      demos: thinkDemos,
      sampling: { samples: 3, temperature: 0.7 },
    };
    for (const [program, structuredOutput] of [
      [{ signature: spec.signature, genome: genome('direct'), demos: [] }, true],
      [voting, false],
    ] as const) {
      const ahead = programRequests(program, example.inputs, { structuredOutput }).map((r) =>
        requestKey(gatewayRequest(site, r)),
      );
      expect(ahead).toEqual(await keysFor(program, structuredOutput));
    }
  });

  it('stores the answer, the raw reply and the score of one example', async () => {
    const gateway = stubGateway(() => 'label: Technical\nconfidence: 5');
    const program: Program = { signature: spec.signature, genome: genome('direct'), demos: [] };
    const run = programRunner({ program, call: gatewayCall(gateway, site), structuredOutput: false, metric });
    expect(await run(example)).toEqual({
      output: '{"label":"technical","confidence":5}',
      raw: 'label: Technical\nconfidence: 5',
      result: { score: 1 },
      reply: {
        content: 'label: Technical\nconfidence: 5',
        promptTokens: 7,
        completionTokens: 2,
        latencyMs: 5,
        costUsd: 0,
        cached: false,
      },
    });
  });

  it("scores an example too long for the model's context 0 instead of failing", async () => {
    const gateway = stubGateway(() => {
      throw ApplicationFailure.create({
        type: 'ContextLengthExceeded',
        message: 'prompt too long',
        nonRetryable: true,
      });
    });
    const program: Program = { signature: spec.signature, genome: genome('direct'), demos: [] };
    const run = programRunner({ program, call: gatewayCall(gateway, site), structuredOutput: false, metric });
    expect(await run(example)).toMatchObject({
      output: null,
      raw: null,
      result: { score: 0, feedback: 'not answered: prompt too long' },
      reply: { promptTokens: 0, costUsd: 0, cached: false },
    });
    const failing = stubGateway(() => {
      throw new Error('provider down');
    });
    const runFailing = programRunner({ program, call: gatewayCall(failing, site), structuredOutput: false, metric });
    await expect(runFailing(example)).rejects.toThrow('provider down');
  });
});
