import { Context } from '@temporalio/activity';
import type { TaskPolicy } from '../core/policy/types.js';
import type { ModelSpec } from '../core/task/model-spec.js';
import { postgresVersion, recordDoctorChecks } from '../storage/doctor-checks.js';
import { type ActivityDeps } from './deps.js';
import { checkEndpoints, type EndpointCheck } from './preflight.js';

export interface WorkerCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface WorkerCheckReport {
  worker: string;
  checks: WorkerCheck[];
}

/** Checks, from inside a worker, that the services a run depends on answer; records the result. */
export function createDoctorActivities({ db, config, workerIdentity }: ActivityDeps, policy: TaskPolicy) {
  async function checkPostgres(): Promise<WorkerCheck> {
    try {
      return { name: 'postgres', ok: true, detail: `PostgreSQL ${(await postgresVersion(db)) ?? '?'}` };
    } catch (err) {
      return { name: 'postgres', ok: false, detail: (err as Error).message };
    }
  }

  async function checkModelServer(): Promise<WorkerCheck> {
    const url = `${config.MODEL_SERVER_URL.replace(/\/$/, '')}/models`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) return { name: 'model-server', ok: false, detail: `${url} answered ${response.status}` };
      const body = (await response.json()) as { data?: { id: string }[] };
      const models = (body.data ?? []).map((m) => m.id).join(', ');
      return { name: 'model-server', ok: true, detail: `${url}: ${models}` };
    } catch (err) {
      return { name: 'model-server', ok: false, detail: `${url}: ${(err as Error).message}` };
    }
  }

  return {
    /** The client's preflight: the task's endpoints, checked with this worker's keys and task policy. */
    checkTaskEndpoints(endpoints: Record<string, ModelSpec>): Promise<EndpointCheck[]> {
      return checkEndpoints(endpoints, policy);
    },

    async runWorkerChecks(): Promise<WorkerCheckReport> {
      const checks = [await checkPostgres(), await checkModelServer()];
      const info = Context.current().info;
      const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
      await recordDoctorChecks(db, workflowId, workerIdentity, checks);
      return { worker: workerIdentity, checks };
    },
  };
}
