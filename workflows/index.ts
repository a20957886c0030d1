// Every workflow type the worker registers.
export { doctorWorkflow } from './doctor.js';
