export { Worker, GracefulShutdownPeriodExpiredError, PromiseCompletionTimeoutError, type WorkerState, type WorkerStatus, type PollerState } from './worker.js';
export type { WorkerOptions, ReplayWorkerOptions, RunUntilOptions, PollerBehavior, WorkflowBundleOption, WorkerDataConverter, WorkerBundlerOptions } from './worker-options.js';
export { NativeConnection, NATIVE_CONNECTION_OPTIONS_TABLE, type EngineConnection, type NativeConnectionOptions, type TLSConfig } from './connection.js';
export { bundleWorkflowCode, WorkflowBundleError, type WorkflowBundle, type BundleOptions } from './bundler.js';
export { DefaultLogger, Runtime, type Logger, type LogLevel, type LogEntry } from './logger.js';
export type { ActivityFunction } from './activity-executor.js';
export { DeterminismViolationError, ReplayError, type ReplayOptions, type ReplayResult, type ReplayHistoryInput } from './replay.js';
