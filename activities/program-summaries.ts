import { programLabel } from '../core/program/program.js';
import { summarizeEvaluations } from '../storage/evaluations.js';
import { storeProgramScore } from '../storage/program-scores.js';
import type { RunStore } from '../storage/run-store.js';
import type { ActivityDeps } from './deps.js';
import { costOf } from './model-gateway.js';
import type { ProgramRef, ProgramScore, ProgramScorePurpose } from '../contracts/index.js';

/** Production scoring and distillation: programs summarised on a split from their stored evaluations. */
export function createProgramSummaryActivities({ db }: ActivityDeps, store: RunStore) {
  return {
    /**
     * Accuracy, tokens and latency per call and cost per 1,000 calls of each program on the given
     * examples, from its stored evaluations; stored in `program_scores` and returned.
     */
    async summarizePrograms(input: {
      runId: string;
      purpose: ProgramScorePurpose;
      split: string;
      exampleIds: string[];
      programs: ProgramRef[];
    }): Promise<ProgramScore[]> {
      const spec = await store.spec(input.runId);
      const out: ProgramScore[] = [];
      for (const ref of input.programs) {
        const endpoint = spec.models[ref.model];
        if (!endpoint) throw new Error(`model "${ref.model}" is not defined in the task's models`);
        const label = programLabel(ref.model, ref.program);
        const r = await summarizeEvaluations(db, input.runId, ref.hash, label, input.exampleIds);
        const examples = r.examples;
        if (examples === 0) continue;
        const prompt = r.promptTokens ?? 0;
        const completion = r.completionTokens ?? 0;
        const score: ProgramScore = {
          hash: ref.hash,
          model: label,
          split: input.split,
          examples,
          accuracy: r.accuracy ?? 0,
          promptTokensPerCall: prompt,
          completionTokensPerCall: completion,
          latencyMsMean: r.latencyMs ?? 0,
          latencyMsP95: r.latencyMsP95 ?? 0,
          costPer1kUsd: 1000 * costOf(endpoint, prompt, completion),
        };
        await storeProgramScore(db, input.runId, input.purpose, score);
        out.push(score);
      }
      return out;
    },
  };
}
