// Workflow history sizes, read back from the Temporal server after a run.
import type { Client } from '@temporalio/client';
import { generationWorkflowId, runWorkflowId } from '../contracts/index.js';

export interface HistoryStats {
  workflowId: string;
  runId: string;
  events: number;
  /** As the server counts it (DescribeWorkflowExecution's history size). */
  bytes: number;
  /** The largest payload list in any one event (an activity's input or result, a child's input, ...). */
  largestPayloadBytes: number;
  /** Which event carried it (its type and, for activities, the activity type). */
  largestPayloadAt: string;
  /** The most activities scheduled and not yet closed at any point of the history. */
  maxPending: number;
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
  let largestPayloadBytes = 0;
  let largestPayloadAt = '';
  const open = new Set<string>();
  let maxPending = 0;
  for (const event of events) {
    if (event.activityTaskScheduledEventAttributes) open.add(String(event.eventId));
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (closed) open.delete(String(closed.scheduledEventId));
    maxPending = Math.max(maxPending, open.size);
    const size = largestPayloads(event);
    if (size > largestPayloadBytes) {
      largestPayloadBytes = size;
      const activity =
        event.activityTaskScheduledEventAttributes?.activityType?.name ??
        typeOf.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? ''));
      largestPayloadAt = `event ${String(event.eventId)} (${eventName(event)}${activity ? `: ${activity}` : ''})`;
    }
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
    largestPayloadBytes,
    largestPayloadAt,
    maxPending,
    activities,
    activitiesByWorker,
  };
}

/** The byte size of the largest `{ payloads: [...] }` list anywhere in an event (data and metadata). */
function largestPayloads(node: unknown): number {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return 0;
  let largest = 0;
  const list = (node as { payloads?: unknown }).payloads;
  if (Array.isArray(list)) {
    largest = list.reduce<number>(
      (sum, p: { data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null }) => {
        const meta = Object.entries(p?.metadata ?? {}).reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);
        return sum + (p?.data?.length ?? 0) + meta;
      },
      0,
    );
  }
  for (const value of Object.values(node)) largest = Math.max(largest, largestPayloads(value));
  return largest;
}

/** The event's attribute field, e.g. "activityTaskCompleted". */
function eventName(event: object): string {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]);
  return key ? key.replace(/EventAttributes$/, '') : 'event';
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
