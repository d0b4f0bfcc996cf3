export { Engine } from './engine.js';
export type { EngineHealth, EngineOptions } from './engine-core.js';
export type { EngineOpenOptions } from './engine.js';
export type { RetentionOptions } from './retention.js';
export { DEFAULT_NAMESPACE, DEFAULT_RETENTION_MS } from './namespaces.js';
export { systemClock, type Clock } from './timer-queue.js';
export { workflowTaskBackoffMs } from './workflow-tasks.js';
