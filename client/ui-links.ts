import { generationWorkflowId, runWorkflowId } from '../contracts/index.js';
import type { Config } from '../platform/config.js';

/** The Temporal UI page of a run, or of one of its generations. */
export function runUiUrl(config: Config, runId: string, generation?: number): string {
  return temporalUiUrl(
    config,
    generation === undefined ? runWorkflowId(runId) : generationWorkflowId(runId, generation),
  );
}

export function temporalUiUrl(config: Config, workflowId?: string): string {
  const base = `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows`;
  return workflowId ? `${base}/${encodeURIComponent(workflowId)}` : base;
}
