import { SingleBar, Presets } from 'cli-progress';
import type { PromptevoClient } from './api.js';
import { score } from './number-format.js';
import {
  type GenerationProgress,
  progressQuery,
  type RunStatusView,
  generationWorkflowId,
} from '../contracts/index.js';

export interface WatchFrame {
  status: RunStatusView;
  current: GenerationProgress | null;
  etaSeconds: number | null;
  done: boolean;
}

/** One look at a run: its status, and the progress of the generation running now (if any). */
export async function watchFrame(
  client: PromptevoClient,
  runId: string,
  startedAt: number,
  firstGeneration: number,
): Promise<WatchFrame> {
  const status = await client.status(runId);
  const description = await client.run(runId).describe();
  const done = description.status.name !== 'RUNNING';
  let current: GenerationProgress | null = null;
  if (!done && (status.phase === 'evolving' || status.phase === 'seeding')) {
    try {
      current = await client.temporal.workflow
        .getHandle(generationWorkflowId(runId, status.generation + 1))
        .query(progressQuery);
    } catch {
      current = null; // the next generation has not started yet
    }
  }
  const finished = Math.max(0, status.generation - firstGeneration);
  const remaining = Math.max(0, status.generations - Math.max(0, status.generation));
  const elapsed = (Date.now() - startedAt) / 1000;
  const etaSeconds = finished > 0 && !done ? Math.round((elapsed / finished) * remaining) : null;
  return { status, current, etaSeconds, done };
}

function describeFrame(f: WatchFrame): string {
  const s = f.status;
  const gen = `generation ${Math.max(0, s.generation + (f.done ? 0 : 1))}/${s.generations}`;
  const evals = f.current ? ` ${f.current.step} ${f.current.evaluationsDone}/${f.current.evaluationsTotal}` : '';
  const eta = f.etaSeconds === null ? '' : ` eta ${f.etaSeconds}s`;
  return `${s.status} ${gen}${evals} best ${score(s.best?.score)} mean ${score(s.meanScore)} calls ${s.spend.calls} $${s.spend.costUsd.toFixed(4)}${eta}`;
}

/**
 * Follows a run until it ends. In a terminal a progress bar redraws in place; piped, one plain line
 * is printed whenever something changed.
 */
export async function watchRun(
  client: PromptevoClient,
  runId: string,
  out: NodeJS.WriteStream = process.stdout,
  intervalMs = 500,
): Promise<WatchFrame> {
  const startedAt = Date.now();
  const first = await watchFrame(client, runId, startedAt, 0);
  const firstGeneration = first.status.generation;
  const bar = out.isTTY
    ? new SingleBar(
        {
          format:
            '{gen} |{bar}| {value}/{total} evaluations | best {best} mean {mean} | {calls} calls ${spend} | eta {eta}',
          stream: out,
          hideCursor: true,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : undefined;
  let frame = first;
  let lastLine = '';
  bar?.start(1, 0, {});
  for (;;) {
    if (bar) {
      const c = frame.current;
      bar.setTotal(Math.max(1, c?.evaluationsTotal ?? 1));
      bar.update(c?.evaluationsDone ?? 0, {
        gen: `gen ${Math.max(0, frame.status.generation + (frame.done ? 0 : 1))}/${frame.status.generations} ${c?.step ?? frame.status.phase}`,
        best: score(frame.status.best?.score),
        mean: score(frame.status.meanScore),
        calls: frame.status.spend.calls,
        spend: frame.status.spend.costUsd.toFixed(4),
        eta: frame.etaSeconds === null ? '-' : `${frame.etaSeconds}s`,
      });
    } else {
      const line = describeFrame(frame);
      if (line !== lastLine) out.write(`${line}\n`);
      lastLine = line;
    }
    if (frame.done) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    frame = await watchFrame(client, runId, startedAt, firstGeneration);
  }
  bar?.stop();
  out.write(`run ${runId} finished: ${frame.status.status}, best ${score(frame.status.best?.score)}\n`);
  return frame;
}
