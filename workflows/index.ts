// Every workflow type the worker registers.
export { doctorWorkflow } from './doctor.js';
export { taskCheckWorkflow } from './task-check.js';
export { optimizationRun } from './run.js';
export { generationWorkflow } from './generation.js';
export { distillWorkflow } from './distill.js';
export { endpointCheckWorkflow } from './endpoint-check.js';
export { promotionWorkflow } from './promote.js';
