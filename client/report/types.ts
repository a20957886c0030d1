/**
 * Everything a run report shows, as plain JSON: the renderer embeds this object verbatim in the
 * HTML so a report file is also an archive of the run's numbers. Scores are the task metric's
 * 0..1 means; timestamps are ISO 8601 strings; money is US dollars.
 */
export interface RunReportData {
  run: {
    id: string;
    task: string;
    /** A `RunStatus`: completed, stopped, budget_exhausted, failed, running, paused. */
    status: string;
    createdAt: string;
    finishedAt: string | null;
    /** The PRNG seed the run was started with (`search.seed`). */
    seed: number;
    /** How scores are computed, e.g. `exact_match on label`; shown next to every score. */
    metric?: string;
    models: { name: string; model: string; baseUrl: string; roles: string[] }[];
    /** Link to the run workflow in the Temporal UI. */
    uiUrl: string;
  };
  /**
   * What the whole run spent (`runs.result`), including work outside any generation such as
   * scoring the finalists on the test split; the generation rows alone may sum to less.
   */
  totals: ReportSpend;
  /** One row per generation, in order. Spend is that generation's own, not cumulative. */
  generations: (ReportSpend & {
    generation: number;
    /** Best validation score in the population the generation left behind. */
    best: number;
    mean: number;
    min: number;
    max: number;
  })[];
  /** Every candidate of the run; the seed has operator `seed` and no parents. */
  candidates: {
    hash: string;
    generation: number;
    operator: string;
    parents: string[];
    /** Mean validation score; null when the candidate was never fully evaluated. */
    score: number | null;
    note: string | null;
  }[];
  seed: ReportPrompt;
  winner: ReportPrompt & {
    demos: number;
    /** Whether the winner's advantage over the seed on validation is significant, in words (finished runs). */
    verdict?: { significant: boolean; text: string };
    /** Set when the winner gives one answer to nearly every validation example (core/program/answer-spread.ts). */
    constantAnswer?: string;
  };
  /** The test split, scored with the seed and with the winner on the dev model. */
  examples: {
    id: string;
    /** The inputs as readable text, e.g. one `field: value` line per input. */
    inputs: string;
    expected: string;
    seed: ReportOutput | null;
    winner: ReportOutput | null;
  }[];
  /** The winner on each production model, on the test split. */
  production?: {
    model: string;
    /** Mean metric score on the test split. */
    test: number;
    tokensPerCall: number;
    latencyMs: number;
    /** Dollars per 1000 calls at the endpoint's pricing. */
    costPer1000: number;
  }[];
  distillation?: {
    /** Whether the student reached `threshold` accuracy on the validation split. */
    thresholdMet: boolean;
    threshold: number;
    teacher: { model: string; test: number; costPer1000: number };
    student: { model: string; val: number; test: number; costPer1000: number };
    rounds: number;
    costUsd: number;
  };
}

export interface ReportSpend {
  /** Calls paid for at the provider. */
  calls: number;
  /** Calls answered from the response cache, at no cost. */
  cachedCalls: number;
  tokens: number;
  costUsd: number;
}

export interface ReportPrompt {
  hash: string;
  val: number | null;
  test: number | null;
  /** The rendered instruction text, as the model sees it. */
  instruction: string;
}

export interface ReportOutput {
  output: string;
  score: number;
}
