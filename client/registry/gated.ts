import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { parseDataset } from '../../core/data/dataset.js';
import type { Example } from '../../core/data/example.js';
import { describeRowErrors } from '../../core/data/task-dataset.js';
import { assertLabel, assertName } from '../../core/registry/reference.js';
import { inferFormat } from '../../core/task/data-spec.js';
import type { Signature } from '../../core/task/signature.js';
import { countPromotions, findVersion, type StoredVersion } from '../../storage/registry.js';
import { promotionWorkflow } from '../../workflows/index.js';
import type { PromptevoClient } from '../api.js';
import { CliError, EXIT } from '../errors.js';
import { temporalUiUrl } from '../ui-links.js';
import {
  phaseAttribute,
  promotionWorkflowId,
  SA,
  type PromotionInput,
  type PromotionResult,
  type PromotionSetSource,
} from '../../contracts/index.js';

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

/** The promotion set travels in the workflow input; Temporal refuses payloads over 2 MB. */
const MAX_SET_BYTES = 1_500_000;

/** Attempts at a free `promote-<name>-<n>` id when promotions of one name start at the same time. */
const ID_ATTEMPTS = 20;

/**
 * Starts a gated promotion of `name:challenger` over `name:champion` (the label's current version)
 * as the `promote-<name>-<n>` workflow on the workers' task queue, and waits for its decision when
 * `wait`. The promotion set is the dataset file's examples, read here with the challenger's
 * signature, or else the test split of the run the challenger came from.
 */
export async function runGatedPromotion(
  client: PromptevoClient,
  request: GatedPromotionRequest,
): Promise<GatedPromotionOutcome> {
  const db = client.db;
  if (!db) throw new Error('runGatedPromotion needs a PromptevoClient with a database pool');
  const { name, label } = request;
  try {
    assertName(name, name);
    assertLabel(label, `${name}@${label}`);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
  const challenger = await requireVersion(client, name, request.challenger);
  await requireVersion(client, name, request.champion);
  const set: PromotionSetSource = request.datasetPath
    ? readPromotionSet(request.datasetPath, challenger.content.signature)
    : { kind: 'run-test', runId: challenger.source.runId };
  const base: Omit<PromotionInput, 'promotionId'> = {
    name,
    label,
    champion: request.champion,
    challenger: request.challenger,
    set,
    requestedBy: request.by,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    ...(request.alpha !== undefined ? { alpha: request.alpha } : {}),
    ...(request.minEffect !== undefined ? { minEffect: request.minEffect } : {}),
    ...(request.minN !== undefined ? { minN: request.minN } : {}),
  };
  let n = (await countPromotions(db, name)) + 1;
  for (let attempt = 1; ; attempt++, n++) {
    const promotionId = promotionWorkflowId(name, n);
    try {
      const handle = await client.temporal.workflow.start(promotionWorkflow, {
        workflowId: promotionId,
        taskQueue: client.config.TEMPORAL_TASK_QUEUE,
        args: [{ ...base, promotionId }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: SA.task, value: name },
          { key: SA.runId, value: promotionId },
          phaseAttribute('promotion:preparing'),
        ],
        staticSummary: `promptevo promotion: ${name}@${label} version ${request.champion} → ${request.challenger}`,
        staticDetails: [
          `Champion ${name}:${request.champion}, challenger ${name}:${request.challenger}, requested by ${request.by}`,
          `Promotion set: ${set.kind === 'examples' ? `${set.examples.length} examples from ${set.source}` : `the test split of run ${set.runId}`}`,
          ...(request.reason ? [`Reason: ${request.reason}`] : []),
        ].join('\n'),
      });
      if (!request.wait) {
        return {
          promotionId,
          status: 'running',
          labelMoved: false,
          message:
            `Started promotion ${promotionId}: ${name}:${request.challenger} against ${name}@${label} ` +
            `(version ${request.champion}). Follow it at ${temporalUiUrl(client.config, promotionId)}; ` +
            `\`promptevo registry history ${name}\` shows the label move once it is decided.`,
        };
      }
      return outcomeOf(await handle.result());
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < ID_ATTEMPTS) continue;
      if (err instanceof WorkflowFailedError) {
        throw new CliError(`promotion ${promotionId} failed: ${rootMessage(err)}`, EXIT.runFailed);
      }
      throw err;
    }
  }
}

function outcomeOf(result: PromotionResult): GatedPromotionOutcome {
  return {
    promotionId: result.promotionId,
    status: result.status,
    labelMoved: result.labelMoved,
    message: result.message,
    decision: { ...(result.verdict ? { verdict: result.verdict } : {}), cost: result.cost },
  };
}

async function requireVersion(client: PromptevoClient, name: string, version: number): Promise<StoredVersion> {
  const found = await findVersion(client.db!, name, version);
  if (!found) {
    throw new CliError(
      `${name}:${version} does not exist; \`promptevo registry show ${name}\` lists its versions`,
      EXIT.notFound,
    );
  }
  return found;
}

/** A promotion set from a JSONL or CSV file (an `id` column, the signature's fields), validated on the client. */
function readPromotionSet(path: string, signature: Signature): PromotionSetSource {
  const file = resolve(path);
  const format = inferFormat(file);
  if (!format) {
    throw new CliError(
      `promotion set ${file}: use a .jsonl or .csv file (the format is read from its extension)`,
      EXIT.usage,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read promotion set ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  const parsed = parseDataset(text, { fileName: file, format, signature });
  if (parsed.errors.length > 0) {
    throw new CliError(
      `promotion set ${file} has ${parsed.errors.length} bad row(s); fix them and start again:\n${describeRowErrors(parsed.errors)}`,
      EXIT.usage,
    );
  }
  const examples: Example[] = parsed.rows;
  if (examples.length === 0) {
    throw new CliError(`promotion set ${file} has no examples; give it labeled examples of the signature`, EXIT.usage);
  }
  const bytes = Buffer.byteLength(JSON.stringify(examples));
  if (bytes > MAX_SET_BYTES) {
    const fits = Math.floor((examples.length * MAX_SET_BYTES) / bytes);
    throw new CliError(
      `promotion set ${file} is ${(bytes / 1e6).toFixed(1)} MB as JSON; the set travels in the promotion's ` +
        `workflow input, which holds at most ${MAX_SET_BYTES / 1e6} MB: use a sample of about ${fits} examples`,
      EXIT.usage,
    );
  }
  return { kind: 'examples', examples, source: file };
}

function rootMessage(err: Error): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
