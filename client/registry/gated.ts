import type { PromptevoClient } from '../api.js';
import { CliError, EXIT } from '../connection.js';

export interface GatedPromotionRequest {
  name: string;
  label: string;
  challenger: number;
  champion: number;
  datasetPath?: string;
  by: string;
  reason?: string;
  alpha?: number;
  minEffect?: number;
  minN?: number;
  wait: boolean;
}

export interface GatedPromotionOutcome {
  promotionId: string;
  status: 'running' | 'promoted' | 'refused' | 'failed';
  labelMoved: boolean;
  message: string;
  decision?: unknown;
}

export function runGatedPromotion(
  client: PromptevoClient,
  request: GatedPromotionRequest,
): Promise<GatedPromotionOutcome> {
  void client;
  void request;
  return Promise.reject(new CliError('gated promotion is not available in this build', EXIT.usage));
}
