export { Engine } from './engine.js';
export type { EngineOptions } from './engine-core.js';
export { systemClock, type Clock } from './timer-queue.js';
export { workflowTaskBackoffMs } from './workflow-tasks.js';
