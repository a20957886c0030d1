// Screenshots the Temporal UI's list of a run's workflows (the run and one per generation):
//   node --import tsx infra/screenshot-temporal-ui.ts <runId> [out.png]
import { launchChromium } from './chromium.js';
import { loadConfig } from '../platform/config.js';

async function main(): Promise<void> {
  const [runId, out = 'docs/temporal-ui-generations.png'] = process.argv.slice(2);
  if (!runId) throw new Error('usage: infra/screenshot-temporal-ui.ts <runId> [out.png]');
  const config = loadConfig();
  const query = encodeURIComponent(`PromptEvoRunId="${runId}"`);
  const url = `${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${query}`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.getByText(`run-${runId}-gen-001`).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: out, fullPage: false });
    console.log(`${out}: ${url}`);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(`screenshot failed: ${(err as Error).message}`);
  process.exit(1);
});
