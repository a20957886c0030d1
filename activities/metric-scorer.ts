import type { JudgeMetric, ModuleMetric } from '../core/metrics/metric.js';
import type { ExternalScorer } from '../core/metrics/registry.js';
import { normalizeUserMetricResult } from '../core/metrics/user-module.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { ModelGateway } from './model-gateway.js';
import { callModuleMetric } from './module-metric-process.js';
import { moduleWithinPolicy, policyFailure } from './task-policy.js';

export interface ScorerContext {
  runId: string;
  generation: number;
  spec: TaskSpec;
  taskFile: string;
  gateway: ModelGateway;
}

/** Scores the metrics core cannot compute alone: an LLM judge (through the gateway) or a user module. */
export function externalScorer(ctx: ScorerContext): ExternalScorer {
  return async (metric: JudgeMetric | ModuleMetric, prediction, expected, metricCtx) => {
    if (metric.kind === 'module') {
      // Only from the operator's module roots, and in a child process without the worker's secrets.
      const checked = await moduleWithinPolicy(metric.path, ctx.taskFile, 'metric', ctx.gateway.policy);
      if ('violation' in checked) throw policyFailure(ctx.taskFile, [checked.violation]);
      const value = await callModuleMetric(checked.realPath, metric.exportName, {
        prediction,
        expected,
        inputs: metricCtx.inputs,
      });
      return normalizeUserMetricResult(value, `metric module ${metric.path}`);
    }
    const modelName = metric.model ?? ctx.spec.roles.meta;
    const endpoint = ctx.spec.models[modelName];
    if (!endpoint) throw new Error(`llm_judge metric names model "${modelName}", which is not in the task's models`);
    const reply = await ctx.gateway.call({
      runId: ctx.runId,
      generation: ctx.generation,
      purpose: 'judge',
      modelName,
      endpoint,
      messages: metric.buildMessages(prediction, expected, metricCtx),
      temperature: 0,
    });
    return metric.parseReply(reply.content);
  };
}
