import { chooseTraceDemos, type DistillConfig } from '../core/engine/distill-plan.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { genomeHash, normalizeGenome, type Genome } from '../core/genome/genome.js';
import { programLabel } from '../core/program/program.js';
import { Rng } from '../core/rng.js';
import { insertCandidate, loadGenome } from '../storage/candidates.js';
import { finishDistillation, startDistillation } from '../storage/distillations.js';
import { splitIds } from '../storage/examples.js';
import { passingTraces } from '../storage/evaluations.js';
import type { RunStore } from '../storage/run-store.js';
import { readRunSpend } from '../storage/spend.js';
import type { ActivityDeps } from './deps.js';
import type { ProgramRef, Spend } from '../contracts/index.js';

/** Distillation's own steps: its start and the teacher's program, the student's seed, its end. */
export function createDistillActivities({ db }: ActivityDeps, store: RunStore) {
  /** Stores a candidate made by distillation (content-addressed, so a retry is harmless). */
  async function storeCandidate(
    runId: string,
    genome: Genome,
    parents: string[],
    operator: string,
    note: string,
  ): Promise<string> {
    const normalized = normalizeGenome(genome);
    const hash = genomeHash(normalized);
    await insertCandidate(db, {
      runId,
      hash,
      genome: normalized,
      parents,
      operator,
      generation: 0,
      note,
      stage: 'distill',
    });
    return hash;
  }

  return {
    /**
     * Starts (or restarts) a distillation: records it, reads the splits and the run's spend so far,
     * and makes the teacher's program (its winner, thinking before answering when asked).
     */
    async prepareDistill(input: { runId: string; teacherHash: string; config: DistillConfig }): Promise<{
      trainIds: string[];
      valIds: string[];
      testIds: string[];
      startSpend: Spend;
      teacherHash: string;
      spec: TaskSpec;
    }> {
      const { runId, config } = input;
      const spec = await store.spec(runId);
      for (const model of [config.teacher, config.student]) {
        if (!spec.models[model]) throw new Error(`model "${model}" is not one of run ${runId}'s models`);
      }
      await startDistillation(db, runId, { ...config, teacherHash: input.teacherHash });
      let teacherHash = input.teacherHash;
      const reasoning = config.teacherProgram?.reasoning;
      if (reasoning) {
        const winner = await loadGenome(db, runId, input.teacherHash);
        if (winner.sections.reasoning !== reasoning) {
          teacherHash = await storeCandidate(
            runId,
            { ...winner, sections: { ...winner.sections, reasoning } },
            [input.teacherHash],
            'distill-teacher',
            `teacher program: ${reasoning === 'think' ? 'think, then answer' : 'answer directly'}`,
          );
        }
      }
      const [trainIds, valIds, testIds, startSpend] = await Promise.all([
        splitIds(db, runId, 'train'),
        splitIds(db, runId, 'val'),
        splitIds(db, runId, 'test'),
        readRunSpend(db, runId),
      ]);
      return { trainIds, valIds, testIds, startSpend, teacherHash, spec };
    },

    /**
     * The student's first program: the teacher's instruction as a direct call, with demos chosen
     * from the teacher's traces on the training inputs whose answers passed the metric.
     */
    async seedStudent(input: {
      runId: string;
      teacherHash: string;
      teacher: ProgramRef;
      trainIds: string[];
      seed: number;
    }): Promise<{ hash: string; demoPool: number }> {
      const { runId } = input;
      const spec = await store.spec(runId);
      const pool = await passingTraces(
        db,
        runId,
        input.teacher.hash,
        programLabel(input.teacher.model, input.teacher.program),
        input.trainIds,
      );
      const teacher = await loadGenome(db, runId, input.teacherHash);
      const demos = chooseTraceDemos(pool, spec.search.maxDemos, Rng.fromSeed(`distill:${input.seed}`));
      const hash = await storeCandidate(
        runId,
        { sections: { ...teacher.sections, reasoning: 'direct' }, demos },
        [input.teacherHash],
        'distill-bootstrap',
        `teacher's instruction as a direct call + ${demos.length} of ${pool.length} passing teacher traces`,
      );
      return { hash, demoPool: pool.length };
    },

    /** Marks the run's distillation finished with its result. */
    async finishDistill(input: { runId: string; status: string; result: unknown }): Promise<void> {
      await finishDistillation(db, input.runId, input.status, input.result);
    },
  };
}
