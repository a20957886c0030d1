import type { Example } from '../core/data/example.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { Db } from '../platform/db.js';
import { examplesById } from './examples.js';
import { runDefinition } from './runs.js';

/** A run's immutable parts as workers read them: its spec and task file (cached per process) and its examples. */
export class RunStore {
  private readonly runs = new Map<string, { spec: TaskSpec; taskFile: string }>();

  constructor(readonly db: Db) {}

  async spec(runId: string): Promise<TaskSpec> {
    return (await this.run(runId)).spec;
  }

  async taskFile(runId: string): Promise<string> {
    return (await this.run(runId)).taskFile;
  }

  private async run(runId: string): Promise<{ spec: TaskSpec; taskFile: string }> {
    const known = this.runs.get(runId);
    if (known) return known;
    const run = await runDefinition(this.db, runId);
    if (!run) throw new Error(`run ${runId} is not in the database (schema may be wrong, or the run was deleted)`);
    this.runs.set(runId, run);
    return run;
  }

  /** The given examples of the run; any missing is an error (they were stored with the run). */
  async examples(runId: string, ids: readonly string[]): Promise<Map<string, Example>> {
    const found = await examplesById(this.db, runId, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new Error(`run ${runId}: examples not found: ${missing.slice(0, 5).join(', ')}`);
    return found;
  }
}
