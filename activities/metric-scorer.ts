import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JudgeMetric, ModuleMetric } from '../core/metrics/metric.js';
import type { ExternalScorer } from '../core/metrics/registry.js';
import { normalizeUserMetricResult, type UserMetricFunction } from '../core/metrics/user-module.js';
import type { TaskSpec } from '../core/task/spec-schema.js';
import type { ModelGateway } from './model-gateway.js';

export interface ScorerContext {
  runId: string;
  generation: number;
  spec: TaskSpec;
  taskFile: string;
  gateway: ModelGateway;
}

const modules = new Map<string, Promise<UserMetricFunction>>();

async function loadUserMetric(metric: ModuleMetric, taskFile: string): Promise<UserMetricFunction> {
  const path = resolve(dirname(taskFile), metric.path);
  const key = `${path}#${metric.exportName}`;
  let loaded = modules.get(key);
  if (!loaded) {
    loaded = import(pathToFileURL(path).href).then((mod: Record<string, unknown>) => {
      const fn = mod[metric.exportName];
      if (typeof fn !== 'function') {
        throw new Error(
          `metric module ${path} has no function export "${metric.exportName}"; export one or set metric.export`,
        );
      }
      return fn as UserMetricFunction;
    });
    modules.set(key, loaded);
  }
  return loaded;
}

/** Scores the metrics core cannot compute alone: an LLM judge (through the gateway) or a user module. */
export function externalScorer(ctx: ScorerContext): ExternalScorer {
  return async (metric: JudgeMetric | ModuleMetric, prediction, expected, metricCtx) => {
    if (metric.kind === 'module') {
      const fn = await loadUserMetric(metric, ctx.taskFile);
      const value = await fn({ prediction, expected, inputs: metricCtx.inputs });
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
