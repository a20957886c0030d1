/**
 * promptevo core: the optimizer's pure, deterministic logic. Safe to import from
 * Temporal workflow code (no I/O, no Node built-ins, no clocks or global randomness).
 */
export * from './budget.js';
export type { ChatMessage } from './chat.js';
export { canonicalJson, hashOf, sha256Hex } from './hash.js';
export { Rng, type RngState } from './rng.js';
export { closestName, editDistance } from './text.js';

export { parseTaskSpec, defineTask, validateTaskSpec } from './task/spec.js';
export { TaskSpecError, type SpecProblem } from './task/spec-errors.js';
export { taskSpecSchema, type TaskSpec, type TaskSpecInput, type SeedPromptSpec } from './task/spec-schema.js';
export * from './task/signature.js';
export { outputsValidator, inputsValidator, outputTypeValidator } from './task/signature-validator.js';
export * from './task/signature-json-schema.js';
export { coerceInput, coerceOutput, type Coerced } from './task/coerce.js';
export { METRIC_KINDS, metricSpecSchema, type MetricKind, type MetricSpec } from './task/metric-spec.js';
export { modelSpecSchema, type ModelSpec, type ModelPricing, type RolesSpec } from './task/model-spec.js';
export * from './task/search-spec.js';
export { inferFormat, type DataSpec, type SplitSpec } from './task/data-spec.js';

export { parseDataset, type DatasetOptions, type ParsedDataset } from './data/dataset.js';
export { formatRowError, type Example, type RowError } from './data/example.js';
export { splitExamples, splitSizes, type DataSplit } from './data/split.js';
export { readCsv } from './data/csv.js';

export * from './metrics/metric.js';
export {
  metricFromSpec,
  scoreMetric,
  combineWeighted,
  unparsedOutputResult,
  type ExternalScorer,
} from './metrics/registry.js';
export { buildJudgeMessages, parseJudgeReply } from './metrics/llm-judge.js';
export { normalizeUserMetricResult, type UserMetricFunction } from './metrics/user-module.js';
export { tokenF1 } from './metrics/token-f1.js';

export * from './genome/genome.js';
export { renderInstruction, parseInstruction, THINK_TEXT, type ParsedInstruction } from './genome/instruction.js';
export {
  renderTaskMessages,
  resolveDemos,
  outputFormatFor,
  responseFormatForGenome,
  type ResolvedDemo,
} from './genome/render.js';
export { renderFields } from './genome/render-fields.js';
export { parseModelOutput, type ParsedOutput } from './genome/parse-output.js';

export * from './operators/operator.js';
export { operatorFromName, chooseOperator } from './operators/registry.js';
export { acceptChild, promptLength } from './operators/guards.js';
export { editDemos, DEMO_EDITS, type DemoEdit } from './operators/demos.js';
export { MUTATION_PROMPTS, THINKING_STYLES } from './operators/mutation-library.js';

export * from './selection/candidate.js';
export { selectElites } from './selection/elitism.js';
export { tournamentSelect } from './selection/tournament.js';
export { paretoFrontier, paretoSelect, dominates, type FrontierMember } from './selection/pareto.js';
export { parentSelectorFromName, selectDistinctParents, type ParentSelector } from './selection/parent-selector.js';
export { successiveHalvingRungs, screenCandidates, type Rung } from './selection/screening.js';
export { nextPopulation, type NextPopulationOptions } from './selection/next-population.js';

export { exactMcnemarPValue } from './stats/mcnemar.js';
export { pairedBootstrap, type PairedBootstrap, type PairedBootstrapOptions } from './stats/paired-bootstrap.js';
export {
  promotionTest,
  PROMOTION_DEFAULTS,
  type PromotionOptions,
  type PromotionRefusal,
  type PromotionVerdict,
} from './stats/promotion-test.js';

export { versionHash, VERSION_FORMAT, type DecodingSettings, type VersionContent } from './registry/version.js';
export {
  parseVersionReference,
  formatVersionReference,
  DEFAULT_LABEL,
  type VersionReference,
} from './registry/reference.js';
export {
  labelMove,
  checkLabelMove,
  describeLabelMove,
  type LabelMove,
  type LabelMoveCheck,
} from './registry/label-move.js';

export { programLabel, samplingOf, type CallProgram, type Program } from './program/program.js';
export { programRequests, expectJson, type ProgramRequest } from './program/request.js';
export { majorityVote, combineSamples, type ProgramAnswer, type SampleReply } from './program/vote.js';
export { encodeAnswer, traceFromAnswer } from './program/stored-answer.js';
export {
  answerWithProgram,
  scoreAnswer,
  runOnExample,
  type AnswerOptions,
  type ExampleResult,
  type OutputParser,
  type ProgramCall,
  type ScoreOptions,
} from './program/run.js';
