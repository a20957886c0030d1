import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { WorkflowPhase } from './phases.js';

/** Workflow ids: one run, its generations, its distillation and distillation's rounds. */
export const runWorkflowId = (runId: string): string => `run-${runId}`;
export const generationWorkflowId = (runId: string, generation: number): string =>
  `run-${runId}-gen-${String(generation).padStart(3, '0')}`;
export const distillWorkflowId = (runId: string): string => `run-${runId}-distill`;
export const distillRoundWorkflowId = (runId: string, round: number): string =>
  `run-${runId}-distill-gen-${String(round).padStart(3, '0')}`;

/** Typed search attributes; the stack registers the same names (infra/lib.sh). */
export const SA = {
  task: defineSearchAttributeKey('PromptEvoTask', SearchAttributeType.KEYWORD),
  runId: defineSearchAttributeKey('PromptEvoRunId', SearchAttributeType.KEYWORD),
  generation: defineSearchAttributeKey('PromptEvoGeneration', SearchAttributeType.INT),
  bestScore: defineSearchAttributeKey('PromptEvoBestScore', SearchAttributeType.DOUBLE),
  phase: defineSearchAttributeKey('PromptEvoPhase', SearchAttributeType.KEYWORD),
  spendUsd: defineSearchAttributeKey('PromptEvoSpendUsd', SearchAttributeType.DOUBLE),
} as const;

/** The phase search attribute, typed: only a workflow phase goes in. */
export const phaseAttribute = (phase: WorkflowPhase): { key: typeof SA.phase; value: WorkflowPhase } => ({
  key: SA.phase,
  value: phase,
});
