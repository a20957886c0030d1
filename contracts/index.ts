/**
 * The contracts between client, workers, workflows and activities: what crosses a process
 * boundary (workflow and activity inputs and results, signals, queries, updates, workflow ids,
 * search attributes, phases and call purposes). Deterministic: imports core/ and Temporal's
 * define* helpers only, so workflow code may import it.
 */
export * from './activities.js';
export * from './distill.js';
export * from './generation.js';
export * from './ids.js';
export * from './phases.js';
export * from './promotion.js';
export * from './purposes.js';
export * from './run.js';
export * from './values.js';
