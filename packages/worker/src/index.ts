export { Worker, type WorkerOptions, type WorkerState } from './worker.js';
export { NativeConnection, NATIVE_CONNECTION_OPTIONS_TABLE, type EngineConnection, type NativeConnectionOptions, type TLSConfig } from './connection.js';
export { bundleWorkflowCode, WorkflowBundleError, type WorkflowBundle, type BundleOptions } from './bundler.js';
export { DefaultLogger, Runtime, type Logger, type LogLevel, type LogEntry } from './logger.js';
export type { ActivityFunction } from './activity-executor.js';
export { DeterminismViolationError, ReplayError, type ReplayOptions } from './replay.js';
