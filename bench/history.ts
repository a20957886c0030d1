// Workflow history sizes, read back from the Temporal server after a run.
import type { Client } from '@temporalio/client';
import { generationWorkflowId, runWorkflowId } from '../contracts/index.js';

export interface HistoryStats {
  workflowId: string;
  runId: string;
  events: number;
  /** As the server counts it (DescribeWorkflowExecution's history size). */
  bytes: number;
  /** Scheduled activities by type (evaluateCandidate, proposeCandidate, ...). */
  activities: Map<string, number>;
  /** Started attempts of `countedType` activities per worker identity. */
  activitiesByWorker: Map<string, number>;
}

export async function historyStats(
  client: Client,
  workflowId: string,
  runId?: string,
  countedType = 'evaluateCandidate',
): Promise<HistoryStats> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
  const events = history.events ?? [];
  const activitiesByWorker = new Map<string, number>();
  const activities = new Map<string, number>();
  const typeOf = new Map<string, string>();
  for (const event of events) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) {
      activities.set(type, (activities.get(type) ?? 0) + 1);
      typeOf.set(String(event.eventId), type);
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started?.identity && typeOf.get(String(started.scheduledEventId)) === countedType) {
      activitiesByWorker.set(started.identity, (activitiesByWorker.get(started.identity) ?? 0) + 1);
    }
  }
  return {
    workflowId,
    runId: description.runId,
    events: events.length,
    bytes: description.historySize ?? 0,
    activities,
    activitiesByWorker,
  };
}

/**
 * Every workflow execution of an optimization run: the run workflow (each link of its
 * continue-as-new chain) and its generation children `run-<id>-gen-NNN`.
 */
export async function runHistories(client: Client, runId: string, generations: number): Promise<HistoryStats[]> {
  const out: HistoryStats[] = [];
  let link: string | undefined;
  for (;;) {
    const stats = await historyStats(client, runWorkflowId(runId), link);
    out.push(stats);
    const first = (await client.workflow.getHandle(runWorkflowId(runId), stats.runId).fetchHistory()).events?.[0];
    link = first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!link) break;
  }
  for (let g = 0; g <= generations; g++) {
    try {
      out.push(await historyStats(client, generationWorkflowId(runId, g)));
    } catch {
      // A run that stopped early has fewer generations.
    }
  }
  return out;
}
