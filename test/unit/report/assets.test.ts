import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportScript, reportStyles } from '../../../client/report/assets.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const asset = (name: string): string => readFileSync(join(REPO, 'client/report/assets', name), 'utf8');

describe('report assets', () => {
  it('inlines the stylesheets in cascade order, the operator colours last', () => {
    const css = reportStyles();
    const at = ['report.css', 'lineage.css', 'examples.css'].map((name) => css.indexOf(asset(name)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(css.lastIndexOf('.op-mutate {')).toBeGreaterThan(at[2]!);
  });

  it('is found from any working directory, with the sources run through tsx as bin/promptevo.js runs them', () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const assets = pathToFileURL(join(REPO, 'client/report/assets.ts')).href;
    const script = `
      const { reportScript, reportStyles } = await import(${JSON.stringify(assets)});
      process.stdout.write(JSON.stringify({ styles: reportStyles(), script: reportScript() }));`;
    const out = execFileSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      cwd: tmpdir(),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ styles: reportStyles(), script: reportScript() });
    expect(reportScript()).toContain("document.getElementById('report-data')");
  });
});
