import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operatorCss } from './html.js';

// The report's stylesheets and browser script are plain files in `assets/`, read at render time
// from next to this module (found through import.meta.url, so the CLI's working directory does not
// matter), plus Chart.js from its package. Each is read once per process.

const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));

/** In the order the cascade needs: page styles first, then each section's own. */
const STYLESHEETS = ['report.css', 'lineage.css', 'examples.css'];

const cache = new Map<string, string>();

function once(key: string, read: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = read();
    cache.set(key, text);
  }
  return text;
}

function readAsset(name: string): string {
  const path = join(ASSETS, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `report asset ${path} cannot be read (${(err as Error).message}); the report renderer needs client/report/assets/ next to its source, as the repository ships it`,
      { cause: err },
    );
  }
}

/** The report's CSS, the operator colours last. */
export function reportStyles(): string {
  return once('styles', () => [...STYLESHEETS.map(readAsset), operatorCss()].join('\n'));
}

/** The page's own script (charts and the example filter), safe to inline in a script element. */
export function reportScript(): string {
  return once('script', () => inlineScript(readAsset('report.js')));
}

/** Chart.js's browser bundle, safe to inline in a script element. */
export function chartJsSource(): string {
  return once('chart.js', () => {
    // The package's exports map hides dist/, so find the bundle next to its CommonJS entry.
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const path = join(dirname(entry), 'chart.umd.min.js');
    // The source map is not shipped in the report; a dangling reference would make devtools fetch it.
    return inlineScript(readFileSync(path, 'utf8').replace(/\/\/# sourceMappingURL=\S+/g, ''));
  });
}

/** A script's text with every `</script` broken up, so it cannot end its element early. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}
