/// <reference lib="dom" />
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleChange, winnerLineage } from '../../../client/report/model.js';
import { renderRunReport } from '../../../client/report/render-html.js';
import type { RunReportData } from '../../../client/report/types.js';
import { launchChromium } from '../../../infra/chromium.js';

const INJECTION = '<script>window.__injected = true</script><img src="x" onerror="window.__injected = true">';

const hashOf = (name: string): string => createHash('sha256').update(`ticket-routing/${name}`).digest('hex');

type Node = [name: string, generation: number, operator: string, parents: string[], score: number | null, note: string];

// Six generations of a ticket-routing run. The winner (d3) descends through diamonds: merge(r3, df)
// where both come from c2, crossover(r2, d1) where both come from r1, and a differential whose
// base and best parent are the same candidate (c2), as the planner makes them.
const NODES: Node[] = [
  ['seed', 0, 'seed', [], 0.58, 'seed prompt'],
  ['b1', 0, 'bootstrap', ['seed'], 0.62, 'added 2 demos bootstrapped from the train split'],
  ['m1', 0, 'mutate', ['seed'], 0.6, 'rephrased the task as a checklist'],
  ['r1', 0, 'reflect', ['seed'], 0.64, 'refund requests older than 30 days go to escalation, not billing'],
  ['r2', 1, 'reflect', ['r1'], 0.7, 'password resets are account, not technical'],
  ['c1', 1, 'crossover', ['r1', 'b1'], 0.66, 'task from r1, constraints from b1'],
  ['m2', 1, 'mutate', ['b1'], 0.55, 'shortened the output instructions'],
  ['d1', 1, 'demo', ['r1'], 0.68, 'swapped a billing demo for a shipping one'],
  ['c2', 2, 'crossover', ['r2', 'd1'], 0.74, 'rules from r2, demos from d1'],
  ['m3', 2, 'mutate', ['r2'], 0.71, 'added a definition of each team'],
  ['x1', 2, 'differential', ['c1', 'm2', 'r1', 'r2'], null, 'screened out on the minibatch'],
  ['r3', 3, 'reflect', ['c2'], 0.78, 'legal threats and chargebacks are escalation </script> even when polite'],
  ['df', 3, 'differential', ['c2', 'm3', 'r2', 'c2'], 0.77, 'moved the team definitions ahead of the rules'],
  ['b2', 3, 'bootstrap', ['c2'], 0.75, 'added a demo for a damaged-parcel ticket'],
  ['mg', 4, 'merge', ['r3', 'df'], 0.82, 'rules of r3 with the team definitions of df'],
  ['m4', 4, 'mutate', ['r3'], 0.79, 'tightened the escalation rule'],
  ['d2', 4, 'demo', ['r3'], 0.77, 'dropped a redundant account demo'],
  ['d3', 5, 'demo', ['mg'], 0.85, 'replaced an easy billing demo with an ambiguous refund'],
  ['m5', 5, 'mutate', ['mg'], 0.83, 'reordered the rules by frequency'],
  ['r4', 5, 'reflect', ['m4'], 0.8, 'shipping delays past 14 days are escalation'],
];
const LINEAGE = ['d3', 'mg', 'r3', 'df', 'c2', 'm3', 'r2', 'd1', 'r1', 'seed'];

const SEED_INSTRUCTION = 'Route the support ticket to the right team.\n\nAnswer with JSON: {"label": "<team>"}';
const WINNER_INSTRUCTION = `## Task
Route a customer support ticket to the one team that should handle it.

## Teams
- billing: invoices, receipts, charges, refunds requested within 30 days
- technical: a product or app that does not work as expected
- shipping: where a parcel is, delivery dates, damaged or missing parcels
- account: login, password, profile, deleting or merging accounts
- escalation: legal threats, chargebacks, refunds after 30 days, anything already escalated once

## Rules
1. Decide by what the customer needs done, not by the words they use.
2. Refunds older than 30 days are escalation, even when the customer is polite.
3. Password resets are account, even when the app shows an error.

## Output
Answer with JSON only: {"label": "<team>"}`;

type Row = [id: string, input: string, expected: string, seed: string, winner: string];
const ROWS: Row[] = [
  ['0003', 'Hi, Please send me a receipt for my last payment.', 'billing', 'billing', 'billing'],
  ['0007', 'I keep getting "invalid token" when I reset my password in the app.', 'account', 'technical', 'account'],
  [
    '0012',
    'Refund request: the router from order #96869 (ordered 47 days ago) stopped working.',
    'escalation',
    'billing',
    'escalation',
  ],
  ['0018', 'My parcel says delivered but nothing arrived. Order #55120.', 'shipping', 'shipping', 'shipping'],
  ['0021', `Why was I charged twice? ${INJECTION}`, 'billing', 'billing', 'billing'],
  ['0026', 'The export button does nothing on Firefox.', 'technical', 'technical', 'technical'],
  ['0030', 'My lawyer will contact you about the chargeback.', 'escalation', 'billing', 'escalation'],
  ['0034', 'Can I merge my two accounts into one?', 'account', 'account', 'account'],
  ['0041', 'The box arrived crushed and the lamp inside is broken.', 'shipping', 'shipping', 'technical'],
  ['0047', 'Second time asking: where is my refund from 3 weeks ago?', 'billing', 'escalation', 'escalation'],
];

function fixture(): RunReportData {
  const stats = [
    [0.64, 0.61, 0.58, 0.64, 48, 0, 21_400, 0.0214],
    [0.7, 0.66, 0.55, 0.7, 132, 14, 96_300, 0.0963],
    [0.74, 0.7, 0.64, 0.74, 118, 22, 88_100, 0.0881],
    [0.78, 0.74, 0.68, 0.78, 126, 9, 94_800, 0.0948],
    [0.82, 0.78, 0.73, 0.82, 121, 31, 90_200, 0.0902],
    [0.85, 0.81, 0.77, 0.85, 115, 40, 86_700, 0.0867],
  ] as const;
  const generations = stats.map(([best, mean, min, max, calls, cachedCalls, tokens, costUsd], generation) => ({
    generation,
    best,
    mean,
    min,
    max,
    calls,
    cachedCalls,
    tokens,
    costUsd,
  }));
  const sum = (key: 'calls' | 'cachedCalls' | 'tokens' | 'costUsd'): number =>
    generations.reduce((s, g) => s + g[key], 0);
  return {
    run: {
      id: 'ticket-routing-20250314-0932-7f3a',
      task: 'ticket-routing',
      status: 'completed',
      createdAt: '2025-03-14T09:32:05.000Z',
      finishedAt: '2025-03-14T10:19:48.000Z',
      seed: 1,
      metric: 'exact_match on label',
      models: [
        {
          name: 'sim-large',
          model: 'sim-large',
          baseUrl: 'http://127.0.0.1:8787/v1',
          roles: ['meta', 'dev', 'production'],
        },
        { name: 'sim-small', model: 'sim-small', baseUrl: 'http://127.0.0.1:8787/v1', roles: ['production'] },
      ],
      uiUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/run-ticket-routing-20250314-0932-7f3a',
    },
    totals: {
      calls: sum('calls') + 40,
      cachedCalls: sum('cachedCalls') + 6,
      tokens: sum('tokens') + 31_500,
      costUsd: sum('costUsd') + 0.0315,
    },
    generations,
    candidates: NODES.map(([name, generation, operator, parents, score, note]) => ({
      hash: hashOf(name),
      generation,
      operator,
      parents: parents.map(hashOf),
      score,
      note,
    })),
    seed: { hash: hashOf('seed'), val: 0.58, test: 0.6, instruction: SEED_INSTRUCTION },
    winner: { hash: hashOf('d3'), val: 0.85, test: 0.8, instruction: WINNER_INSTRUCTION, demos: 3 },
    examples: ROWS.map(([id, input, expected, seed, winner]) => ({
      id: `ticket-routing-${id}`,
      inputs: `ticket: ${input}`,
      expected: JSON.stringify({ label: expected }),
      seed: { output: JSON.stringify({ label: seed }), score: seed === expected ? 1 : 0 },
      winner: { output: JSON.stringify({ label: winner }), score: winner === expected ? 1 : 0 },
    })),
    production: [
      { model: 'sim-large', test: 0.8, tokensPerCall: 412, latencyMs: 820, costPer1000: 0.31 },
      { model: 'sim-small', test: 0.74, tokensPerCall: 398, latencyMs: 240, costPer1000: 0.031 },
    ],
    distillation: {
      thresholdMet: true,
      threshold: 0.75,
      teacher: { model: 'sim-large', test: 0.8, costPer1000: 0.31 },
      student: { model: 'sim-small', val: 0.78, test: 0.76, costPer1000: 0.031 },
      rounds: 2,
      costUsd: 0.84,
    },
  };
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('renderRunReport', () => {
  const data = fixture();
  const html = renderRunReport(data);
  let browser: Browser;
  let page: Page;
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptevo-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const fileUrl = pathToFileURL(file).href;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    // Anything but the report itself is refused, so a report that needs the network fails here.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page.on('request', (req) => {
      if (req.url() !== fileUrl && !blocked.includes(req.url())) blocked.push(req.url());
    });
    await page.goto(fileUrl);
    await page.waitForSelector('body[data-charts-rendered="2"]', { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('is self-contained: no request leaves the file and nothing fails', () => {
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
  });

  it('draws both charts with their data', async () => {
    // Count pixels of each chart's own series colours, so gridlines and axes alone do not pass.
    const inks = await page.evaluate(() => {
      const ink = (selector: string, rgb: [number, number, number]): number => {
        const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
          const near = Math.abs(px[i]! - rgb[0]) + Math.abs(px[i + 1]! - rgb[1]) + Math.abs(px[i + 2]! - rgb[2]) < 30;
          if (near && px[i + 3]! > 100) n++;
        }
        return n;
      };
      return {
        best: ink('canvas[data-chart="fitness"]', [0x1f, 0x4e, 0x79]),
        spend: ink('canvas[data-chart="spend"]', [0xb7, 0x79, 0x1f]),
        calls: ink('canvas[data-chart="spend"]', [59, 110, 165]),
      };
    });
    expect(inks.best).toBeGreaterThan(200);
    expect(inks.spend).toBeGreaterThan(200);
    expect(inks.calls).toBeGreaterThan(1000);
  });

  it('traces the winner back to the seed', async () => {
    const expected = LINEAGE.map(hashOf);
    expect(winnerLineage(data.candidates, data.winner.hash).map((c) => c.hash)).toEqual(expected);
    const listed = await page.$$eval('.tree [data-lineage-hash]', (els) =>
      els.map((el) => el.getAttribute('data-lineage-hash')),
    );
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(listed[0]).toBe(hashOf('d3'));
    // Shared ancestors are drawn once; later mentions (d1 → r1, m3 → r2, df → c2 and r2) are one
    // "made from" line per child, and df's repeated parent c2 is mentioned once.
    const refs = await page.$$eval('.tree .refs', (els) => els.map((el) => el.textContent.replace(/\s+/g, ' ').trim()));
    expect(refs).toHaveLength(3);
    const dfRefs = refs.find((r) => r.includes(hashOf('c2').slice(0, 8)))!;
    expect(dfRefs.split(hashOf('c2').slice(0, 8))).toHaveLength(2);
    expect(dfRefs).toContain(hashOf('r2').slice(0, 8));
    const seedNode = page.locator(`.tree [data-lineage-hash="${hashOf('seed')}"] > .node`);
    await expect(seedNode.textContent()).resolves.toContain('seed prompt');
  });

  it('counts fixed and broken test examples', async () => {
    expect(data.examples.map(exampleChange).filter((c) => c === 'fixed')).toHaveLength(3);
    await expect(page.locator('[data-count="fixed"]').textContent()).resolves.toBe('3');
    await expect(page.locator('[data-count="broken"]').textContent()).resolves.toBe('1');
    await expect(page.locator('#examples tr.row-fixed').count()).resolves.toBe(3);
    await expect(page.locator('#examples tr.row-broken').count()).resolves.toBe(1);
    await expect(page.locator('#examples').textContent()).resolves.toContain('Fixed 3, broken 1');
  });

  it('shows user text as text and never runs it', async () => {
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    const cell = page.locator('#examples td.text', { hasText: 'Why was I charged twice?' });
    await expect(cell.textContent()).resolves.toContain(INJECTION);
    await expect(page.locator('#examples img').count()).resolves.toBe(0);
    const note = await page.locator(`[data-lineage-hash="${hashOf('r3')}"] > .node .note`).textContent();
    expect(note).toContain('</script>');
    const embedded: unknown = await page.evaluate((): unknown =>
      JSON.parse(document.getElementById('report-data')!.textContent ?? 'null'),
    );
    expect(embedded).toEqual(data);
  });

  it('shows the production models and the distillation outcome', async () => {
    await expect(page.locator('#production tbody tr').count()).resolves.toBe(2);
    await expect(page.locator('[data-distillation="met"]').count()).resolves.toBe(1);
    const bare = renderRunReport({ ...data, production: undefined, distillation: undefined });
    expect(bare).not.toContain('id="production"');
    expect(bare).not.toContain('id="distillation"');
  });

  it('says plainly when the winner is not significantly better than the seed', () => {
    const text =
      'The best program’s advantage over the seed on validation (+0.020, p = 0.344) is not significant at 0.05.';
    const weak = renderRunReport({ ...data, winner: { ...data.winner, verdict: { significant: false, text } } });
    expect(weak).toContain('class="verdict verdict-weak" data-summary="verdict"');
    expect(weak).toContain('is not significant at 0.05.');
    const strong = renderRunReport({
      ...data,
      winner: { ...data.winner, verdict: { significant: true, text: 'beats the seed (p < 0.001)' } },
    });
    expect(strong).toContain('class="verdict" data-summary="verdict">beats the seed (p &#60; 0.001)</p>');
    expect(html).not.toContain('data-summary="verdict"');
  });

  it('warns when the winner gives one answer to nearly every validation example', () => {
    const text = 'The best program gives the same answer, {"label":"billing"}, to 20 of 20 validation examples';
    const warned = renderRunReport({ ...data, winner: { ...data.winner, constantAnswer: text } });
    expect(warned).toContain('class="verdict verdict-weak" data-summary="constant-answer">The best program gives');
    expect(html).not.toContain('data-summary="constant-answer"');
  });

  it('renders a run that stopped before its first generation', () => {
    const seed = data.candidates[0]!;
    const early = renderRunReport({
      ...data,
      run: { ...data.run, status: 'failed', finishedAt: null, uiUrl: 'javascript:alert(1)' },
      totals: { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0 },
      generations: [],
      candidates: [seed],
      winner: { ...data.seed, demos: 0 },
      examples: [],
      production: [],
      distillation: undefined,
    });
    const markup = early.slice(0, early.indexOf('<script'));
    expect(markup).not.toMatch(/NaN|Infinity|undefined/);
    expect(markup).not.toContain('javascript:');
    expect(early).toContain(`data-lineage-hash="${seed.hash}"`);
  });

  it('renders the whole report to a screenshot (docs/report-example.png with PROMPTEVO_UPDATE_SCREENSHOTS=1)', async () => {
    const target =
      process.env.PROMPTEVO_UPDATE_SCREENSHOTS === '1'
        ? join(REPO, 'docs/report-example.png')
        : join(mkdtempSync(join(tmpdir(), 'promptevo-report-shot-')), 'report.png');
    const png = await page.screenshot({ path: target, fullPage: true });
    expect(png.length).toBeGreaterThan(50_000);
  });
});
