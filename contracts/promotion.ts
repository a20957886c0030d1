import { defineQuery } from '@temporalio/workflow';
import type { Example } from '../core/data/example.js';
import type { PromotionVerdict } from '../core/stats/promotion-test.js';
import type { PromotionPhase } from './phases.js';

/**
 * The gated promotion workflow (`promotionWorkflow`, id `promote-<name>-<n>`): champion (the
 * label's current version) and challenger scored on the same promotion set, decided by
 * `core/stats/promotion-test.ts`, the label moved by compare-and-swap with the evidence.
 */
export type PromotionWorkflow = (input: PromotionInput) => Promise<PromotionResult>;

/** The workflow id of a name's n-th promotion (n = promotions recorded so far + 1). */
export const promotionWorkflowId = (name: string, n: number): string => `promote-${name}-${n}`;

/**
 * Where the promotion set comes from: examples the client read from a dataset file (validated
 * against the challenger's signature), or the test split of the run the challenger came from.
 */
export type PromotionSetSource =
  { kind: 'examples'; examples: Example[]; source: string } | { kind: 'run-test'; runId: string };

export interface PromotionInput {
  /** The workflow id; also the id of the promotion's `runs` row (kind 'promotion') and its ledger. */
  promotionId: string;
  name: string;
  label: string;
  champion: number;
  challenger: number;
  set: PromotionSetSource;
  /** The gates (`PROMOTION_DEFAULTS` for those left out). */
  alpha?: number;
  minEffect?: number;
  minN?: number;
  requestedBy: string;
  reason?: string;
}

/** A version as the promotion scores it: its candidate hash and its model name in the promotion's spec. */
export interface PromotionEntrant {
  version: number;
  hash: string;
  model: string;
}

/** What preparation leaves for scoring: who is scored, on which examples (the set, in order). */
export interface PreparedPromotion {
  champion: PromotionEntrant;
  challenger: PromotionEntrant;
  exampleIds: string[];
}

/** What the promotion's model calls cost (its ledger under the promotion id). */
export interface PromotionCost {
  calls: number;
  cachedCalls: number;
  tokens: number;
  usd: number;
}

export type PromotionOutcomeStatus = 'promoted' | 'refused' | 'failed';

/** Input of the activity that reads both versions' scores back and applies the gates. */
export interface JudgePromotionInput {
  promotionId: string;
  champion: PromotionEntrant;
  challenger: PromotionEntrant;
  alpha?: number;
  minEffect?: number;
  minN?: number;
}

export interface PromotionJudgement {
  verdict: PromotionVerdict;
  cost: PromotionCost;
}

/** Input of the activity that moves the label from champion to challenger by compare-and-swap. */
export interface MovePromotedLabelInput {
  promotionId: string;
  name: string;
  label: string;
  from: number;
  to: number;
  requestedBy: string;
  reason?: string;
  /** Kept with the label move: the verdict and the cost. */
  evidence: PromotionJudgement;
}

export type LabelMoveOutcome = { ok: true } | { ok: false; message: string };

/** Which promotion: its id, the label, and the two versions it compares. */
export interface PromotionSubject {
  promotionId: string;
  name: string;
  label: string;
  champion: number;
  challenger: number;
}

/** Input of the activity that records how a promotion ended and returns its result. */
export interface RecordPromotionInput extends PromotionSubject {
  status: PromotionOutcomeStatus;
  labelMoved: boolean;
  verdict?: PromotionVerdict;
  reason?: string;
  /** Why it failed. */
  error?: string;
}

export interface PromotionResult extends PromotionSubject {
  status: PromotionOutcomeStatus;
  /** Whether the label now points at the challenger because of this promotion. */
  labelMoved: boolean;
  /** Absent when the promotion failed before both versions were scored. */
  verdict?: PromotionVerdict;
  cost: PromotionCost;
  /** One paragraph for a person: the decision and its evidence, or what went wrong. */
  message: string;
}

export interface PromotionStatusView extends PromotionSubject {
  phase: PromotionPhase;
  /** Examples in the promotion set, once prepared. */
  examples?: number;
  result?: PromotionResult;
}

export const promotionStatusQuery = defineQuery<PromotionStatusView>('promotionStatus');
