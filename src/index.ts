/** The library's public face. */
export { QrunError, ERROR_CATALOG, type ErrorCode, type ErrorFamily } from './errors.js';
export { VERSION } from './version.js';
export * from './primitives/index.js';
export { checkCircuitFits, type FitRequirements } from './circuit/fit.js';
export { openTask, submitTask, TaskHandle, type SubmitTaskOptions, type TaskContext, type TaskProgress } from './tasks/handle.js';
export type { TaskRecord } from './tasks/record.js';
