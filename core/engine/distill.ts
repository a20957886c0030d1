/**
 * Kept only for the imports in `workflows/` and `contracts/` until they point at
 * `./distill-plan.js` and `../program/program.js`; nothing else imports this module.
 */
export { absoluteBudget, resolveDistillConfig, type DistillConfig } from './distill-plan.js';
export type { CallProgram } from '../program/program.js';
