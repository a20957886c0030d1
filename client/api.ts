import {
  ApplicationFailure,
  TimeoutFailure,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type SignalDefinition,
  type WorkflowHandle,
} from '@temporalio/client';
import type { WorkerCheckReport } from '../activities/doctor.js';
import { endpointsUsed, type EndpointCheck } from '../activities/preflight.js';
import { type Config } from '../platform/config.js';
import { distillWorkflow, doctorWorkflow, endpointCheckWorkflow, optimizationRun } from '../workflows/index.js';
import { DistillConfigError, resolveDistillConfig, type DistillOverrides } from '../core/engine/distill-plan.js';
import type { Budget } from '../core/engine/types.js';
import type { Db } from '../platform/db.js';
import { candidateExists } from '../storage/candidates.js';
import { findRun } from '../storage/runs.js';
import { exportProgram, type ExportedProgram } from './export.js';
import { loadReportData } from './report-data.js';
import type { RunReportData } from './report/types.js';
import { listRuns, type RunListEntry } from './run-list.js';
import { loadRunDetails, renderCandidate, type RunDetails } from './run-details.js';
import { CliError, EXIT } from './errors.js';
import { runUiUrl, temporalUiUrl } from './ui-links.js';
import { loadTaskFile, type LoadedTask } from './task-file.js';
import { checkTaskOnWorker } from './task-check.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import { validateTaskSpec } from '../core/task/spec.js';
import {
  type DistillResult,
  extendBudgetUpdate,
  pauseSignal,
  resumeSignal,
  statusQuery,
  stopSignal,
  type RunResult,
  type RunStatusView,
  distillWorkflowId,
  runWorkflowId,
  SA,
} from '../contracts/index.js';

export interface StartRunOptions {
  runId?: string;
  seed?: number;
  /** Changes the spec before the run starts; the result is validated (and completed with defaults) like a task file. */
  adjust?: (spec: TaskSpec) => TaskSpec;
  /** Check every endpoint the task uses through a worker before starting (default true). */
  preflight?: boolean;
}

export interface StartedRun {
  runId: string;
  workflowId: string;
  uiUrl: string;
}

/** The typed programmatic client; the CLI is a thin layer over it. */
export class PromptevoClient {
  constructor(
    readonly temporal: Client,
    readonly config: Config,
    /** PostgreSQL, for what is stored rather than live (show, export, report); optional for start/status. */
    readonly db?: Db,
  ) {}

  private database(): Db {
    if (!this.db)
      throw new Error('this PromptevoClient was created without a database pool; pass one to read stored runs');
    return this.db;
  }

  list(limit = 20, task?: string): Promise<RunListEntry[]> {
    return listRuns(this.temporal, limit, task);
  }

  show(runId: string): Promise<RunDetails> {
    return loadRunDetails(this.database(), runId);
  }

  async pause(runId: string): Promise<void> {
    await this.signal(runId, pauseSignal);
  }

  async resume(runId: string): Promise<void> {
    await this.signal(runId, resumeSignal);
  }

  /** Finish the current generation, then score the finalists and finish. */
  async stop(runId: string): Promise<void> {
    await this.signal(runId, stopSignal);
  }

  /** Cancel at once: in-flight activities are abandoned, nothing is finalized. */
  async cancel(runId: string): Promise<void> {
    try {
      await this.run(runId).cancel();
    } catch (err) {
      throw this.explain(err, runId);
    }
  }

  async extendBudget(runId: string, delta: Budget): Promise<Budget> {
    try {
      return await this.run(runId).executeUpdate(extendBudgetUpdate, { args: [delta] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause) throw new CliError(err.cause.message, EXIT.usage);
      throw this.explain(err, runId);
    }
  }

  /** What `promptevo report` draws, from PostgreSQL. */
  reportData(runId: string): Promise<RunReportData> {
    return loadReportData(this.database(), this.config, runId);
  }

  uiUrl(runId: string, generation?: number): string {
    return runUiUrl(this.config, runId, generation);
  }

  /** The winning program (or the candidate `hash`) as a runtime loads it. */
  async exportProgram(runId: string, hash?: string): Promise<ExportedProgram> {
    const details = await this.show(runId);
    const target = hash ?? details.best?.hash;
    if (!target) throw new CliError(`run ${runId} has no evaluated candidate yet`, EXIT.notFound);
    const candidate = await renderCandidate(this.database(), runId, details.spec, target);
    const result = details.result && 'best' in details.result ? details.result : undefined;
    const scored = result
      ? [result.best, ...result.finalists, result.baseline].find((p) => p.hash === target)
      : undefined;
    const fromGenerations = details.generations.filter((g) => g.bestHash === target).at(-1);
    return exportProgram(this.database(), runId, details.spec, target, candidate.genome, {
      val: scored?.val ?? fromGenerations?.bestScore ?? null,
      test: scored?.test ?? null,
    });
  }

  private async signal(runId: string, signal: SignalDefinition<[], string>): Promise<void> {
    try {
      await this.run(runId).signal(signal);
    } catch (err) {
      throw this.explain(err, runId);
    }
  }

  /** Validates the task file and its dataset, then starts an optimization run. */
  async startRun(taskPath: string, options: StartRunOptions = {}): Promise<StartedRun> {
    return this.startTask(loadTaskFile(taskPath), options);
  }

  /** Starts a run from an already loaded task; `adjust` lets scripts change the spec (models, budgets) first. */
  async startTask(task: LoadedTask, options: StartRunOptions = {}): Promise<StartedRun> {
    let spec =
      options.seed === undefined ? task.spec : { ...task.spec, search: { ...task.spec.search, seed: options.seed } };
    if (options.adjust) {
      // The same schema, defaults and cross-checks as a task file: an adjusted spec is not trusted more.
      try {
        spec = validateTaskSpec(options.adjust(spec), `${task.taskFile} (as adjusted)`);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
    }
    const runId = options.runId ?? newRunId(spec.name);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(runId)) {
      throw new CliError(`run id "${runId}" may only use letters, digits, "-", "_" and "."`, EXIT.usage);
    }
    // The cluster's task policy, on the final spec, answered by a worker: a refused task starts nothing.
    await checkTaskOnWorker(this.temporal, this.config, {
      spec,
      datasetPath: task.datasetPath,
      taskFile: task.taskFile,
      label: runId,
    });
    if (options.preflight !== false) await this.checkEndpoints(spec);
    const workflowId = runWorkflowId(runId);
    const s = spec.search;
    await this.temporal.workflow.start(optimizationRun, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ runId, spec, datasetPath: task.datasetPath, taskFile: task.taskFile }],
      typedSearchAttributes: [
        { key: SA.task, value: spec.name },
        { key: SA.runId, value: runId },
        { key: SA.phase, value: 'preparing' },
      ],
      staticSummary: `promptevo run ${runId}: ${spec.name}, ${s.generations} generations × population ${s.populationSize}`,
      staticDetails: [
        `Task: ${spec.name}${spec.description ? ` — ${spec.description}` : ''}`,
        `Data: ${task.datasetPath} (${task.exampleCount} examples)`,
        `Models: meta ${spec.roles.meta}, dev ${spec.roles.dev}, production ${spec.roles.production.join(', ')}`,
        `Search: ${s.selection} selection, ${s.elites} elites, minibatch ${s.minibatchSize}, seed ${s.seed}`,
      ].join('\n'),
      memo: { task: spec.name, taskFile: task.taskFile },
    });
    return { runId, workflowId, uiUrl: runUiUrl(this.config, runId) };
  }

  run(runId: string): WorkflowHandle<typeof optimizationRun> {
    return this.temporal.workflow.getHandle<typeof optimizationRun>(runWorkflowId(runId));
  }

  async waitForResult(runId: string): Promise<RunResult> {
    try {
      return await this.run(runId).result();
    } catch (err) {
      throw this.explain(err, runId);
    }
  }

  async status(runId: string): Promise<RunStatusView> {
    try {
      return await this.run(runId).query(statusQuery);
    } catch (err) {
      throw this.explain(err, runId);
    }
  }

  /**
   * Distils a finished run's winner (or `hash`) into its student model, as `run-<id>-distill`.
   * The run's task decides the defaults; `overrides` (the CLI's flags) take precedence.
   */
  async startDistill(runId: string, overrides: DistillOverrides = {}, hash?: string): Promise<StartedRun> {
    const row = await findRun<RunResult>(this.database(), runId);
    if (!row)
      throw new CliError(`no run "${runId}" in the database; \`promptevo list\` shows recent runs`, EXIT.notFound);
    const teacherHash = hash ?? row.result?.best.hash;
    if (!teacherHash) {
      throw new CliError(
        `run ${runId} has no winner yet (it has not finished); wait for it or pass --hash <candidate>`,
        EXIT.usage,
      );
    }
    if (!(await candidateExists(this.database(), runId, teacherHash)))
      throw new CliError(`run ${runId} has no candidate ${teacherHash}`, EXIT.notFound);
    let config;
    try {
      config = resolveDistillConfig(row.spec, overrides);
    } catch (err) {
      if (err instanceof DistillConfigError) throw new CliError(err.message, EXIT.usage);
      throw err;
    }
    const workflowId = distillWorkflowId(runId);
    try {
      await this.temporal.workflow.start(distillWorkflow, {
        workflowId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [{ runId, teacherHash, config }],
        typedSearchAttributes: [
          { key: SA.task, value: row.spec.name },
          { key: SA.runId, value: runId },
          { key: SA.phase, value: 'distilling' },
        ],
        staticSummary: `promptevo distillation of run ${runId} into ${config.student}`,
        staticDetails: `Teacher ${config.teacher} (${teacherHash.slice(0, 12)}); threshold ${config.threshold} on validation, at most ${config.maxRounds} round(s).`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CliError(`a distillation of run ${runId} is already running (${workflowId})`, EXIT.usage);
      }
      throw err;
    }
    return { runId, workflowId, uiUrl: temporalUiUrl(this.config, workflowId) };
  }

  async waitForDistill(runId: string): Promise<DistillResult> {
    try {
      return await this.temporal.workflow.getHandle<typeof distillWorkflow>(distillWorkflowId(runId)).result();
    } catch (err) {
      throw this.explain(err, runId);
    }
  }

  /**
   * Before a run starts: a worker (which holds the keys) checks every endpoint the task uses — the
   * roles, distillation's models and every llm_judge metric's model: reachable, key accepted,
   * model id served. Any problem is a CliError (exit 2) listing all of them; no worker answering
   * within `timeoutMs` is exit 4.
   */
  async checkEndpoints(spec: TaskSpec, timeoutMs = 60_000): Promise<EndpointCheck[]> {
    const workflowId = `preflight-${spec.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    let checks: EndpointCheck[];
    try {
      const handle = await this.temporal.workflow.start(endpointCheckWorkflow, {
        workflowId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [endpointsUsed(spec)],
        workflowExecutionTimeout: timeoutMs,
        staticSummary: `promptevo preflight: the model endpoints of task ${spec.name}`,
      });
      checks = await handle.result();
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof TimeoutFailure) {
        throw new CliError(
          `no worker checked the task's model endpoints within ${Math.round(timeoutMs / 1000)} s on task queue ` +
            `${this.config.TEMPORAL_TASK_QUEUE}; start a worker (\`npm run worker\`) and run again`,
          EXIT.stackDown,
        );
      }
      throw err;
    }
    const problems = checks.filter((c) => !c.ok);
    if (problems.length > 0) {
      throw new CliError(
        `task ${spec.name}: ${problems.length} model endpoint(s) failed the check from a worker; nothing was started:\n` +
          problems.map((p) => `  ${p.detail}`).join('\n'),
        EXIT.usage,
      );
    }
    return checks;
  }

  /** Runs the doctor workflow on a worker and returns what the worker found. */
  async doctor(timeoutMs = 30_000): Promise<WorkerCheckReport & { workflowId: string }> {
    const workflowId = `doctor-${Date.now().toString(36)}`;
    const handle = await this.temporal.workflow.start(doctorWorkflow, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowExecutionTimeout: timeoutMs,
      staticSummary: 'promptevo doctor: worker health check',
    });
    return handle.result();
  }

  private explain(err: unknown, runId: string): Error {
    if (err instanceof WorkflowFailedError) {
      let cause: unknown = err.cause;
      while (cause instanceof Error && cause.cause instanceof Error && !(cause instanceof ApplicationFailure))
        cause = cause.cause;
      const message = cause instanceof Error ? cause.message : err.message;
      return new CliError(message.startsWith('run ') ? message : `run ${runId} failed: ${message}`, EXIT.runFailed);
    }
    if (err instanceof WorkflowNotFoundError) {
      return new CliError(
        `no run "${runId}" in namespace ${this.config.TEMPORAL_NAMESPACE}; \`promptevo list\` shows recent runs`,
        EXIT.notFound,
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

export function newRunId(taskName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${taskName}-${stamp}-${random}`;
}
