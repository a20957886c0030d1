import { type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { SA } from '../contracts/index.js';

export interface RunListEntry {
  runId: string;
  task: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, TERMINATED, CANCELLED, ... */
  workflowStatus: string;
  phase: string | null;
  generation: number | null;
  bestScore: number | null;
  spendUsd: number | null;
  startTime: string;
  closeTime: string | null;
}

/** Recent runs, newest first, from Temporal's visibility store (search attributes carry the live numbers). */
export async function listRuns(temporal: Client, limit = 20, task?: string): Promise<RunListEntry[]> {
  const clauses = [`WorkflowType = 'optimizationRun'`];
  if (task) clauses.push(`PromptEvoTask = '${task.replace(/'/g, "\\'")}'`);
  const entries: RunListEntry[] = [];
  for await (const wf of temporal.workflow.list({ query: clauses.join(' AND '), pageSize: limit })) {
    entries.push(toEntry(wf));
    if (entries.length >= limit) break;
  }
  return entries;
}

function toEntry(wf: WorkflowExecutionInfo): RunListEntry {
  const attrs = wf.typedSearchAttributes;
  return {
    runId: attrs.get(SA.runId) ?? wf.workflowId.replace(/^run-/, ''),
    task: attrs.get(SA.task) ?? '',
    workflowStatus: wf.status.name,
    phase: attrs.get(SA.phase) ?? null,
    generation: attrs.get(SA.generation) ?? null,
    bestScore: attrs.get(SA.bestScore) ?? null,
    spendUsd: attrs.get(SA.spendUsd) ?? null,
    startTime: wf.startTime.toISOString(),
    closeTime: wf.closeTime?.toISOString() ?? null,
  };
}
