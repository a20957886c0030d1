import { score } from '../../number-format.js';
import { esc, short } from '../html.js';
import type { RunReportData } from '../types.js';

/** The seed's and the winner's instructions side by side, as the model sees them. */
export function renderPrompts(data: RunReportData): string {
  const { seed, winner } = data;
  return `<section class="grid-2 prompts">
  <div class="panel">
    <h2>Seed instruction</h2>
    <p class="caption"><code>${esc(short(seed.hash))}</code> · val ${score(seed.val)} · test ${score(seed.test)}</p>
    <pre data-prompt="seed">${esc(seed.instruction)}</pre>
  </div>
  <div class="panel">
    <h2>Winner instruction</h2>
    <p class="caption"><code>${esc(short(winner.hash))}</code> · val ${score(winner.val)} · test ${score(winner.test)} · ${winner.demos} demo${winner.demos === 1 ? '' : 's'}</p>
    <pre data-prompt="winner">${esc(winner.instruction)}</pre>
  </div>
</section>`;
}
