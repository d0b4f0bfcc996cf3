import { Context, type ActivityCancellationDetails, type ActivityInfo, type ActivityLogger } from './context.js';
import type { Duration } from '@endure/common';

export { Context, type ActivityInfo, type ActivityInfo as Info, type ActivityLogger, type ActivityCancellationDetails, type ActivityCancelReason } from './context.js';
export { ApplicationFailure, CancelledFailure, CompleteAsyncError, type Duration } from '@endure/common';

export function activityInfo(): ActivityInfo {
  return Context.current().info;
}
export function heartbeat(details?: unknown): void {
  Context.current().heartbeat(details);
}
export function cancellationSignal(): AbortSignal {
  return Context.current().cancellationSignal;
}
export function cancelled(): Promise<never> {
  return Context.current().cancelled;
}
/** Why the current activity was cancelled; undefined while it is not. */
export function cancellationDetails(): ActivityCancellationDetails | undefined {
  return Context.current().cancellationDetails;
}
export function sleep(duration: Duration): Promise<void> {
  return Context.current().sleep(duration);
}
/** Temporal's activity Client: not supported by Endure (see Context.client); throws, naming it. */
export function getClient(): never {
  return Context.current().client;
}

type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const byLevel: Record<LogLevel, keyof ActivityLogger> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The current activity's logger: each line carries the activity's ids. */
export const log = {
  log: (level: LogLevel, m: string, a?: Record<string, unknown>) => {
    const method = byLevel[level];
    if (!method) throw new TypeError(`log.log: level must be one of ${Object.keys(byLevel).join(', ')}, got ${String(level)}`);
    Context.current().log[method](m, a);
  },
  trace: (m: string, a?: Record<string, unknown>) => Context.current().log.trace(m, a),
  debug: (m: string, a?: Record<string, unknown>) => Context.current().log.debug(m, a),
  info: (m: string, a?: Record<string, unknown>) => Context.current().log.info(m, a),
  warn: (m: string, a?: Record<string, unknown>) => Context.current().log.warn(m, a),
  error: (m: string, a?: Record<string, unknown>) => Context.current().log.error(m, a),
};

/** Temporal's metric meter: not supported by Endure; every method throws, naming it. */
export const metricMeter = {
  createCounter: (): never => Context.current().metricMeter,
  createHistogram: (): never => Context.current().metricMeter,
  createGauge: (): never => Context.current().metricMeter,
  withTags: (): never => Context.current().metricMeter,
};
