import { Context, type ActivityInfo } from './context.js';
import type { Duration } from '@endure/common';

export { Context, type ActivityInfo, type ActivityLogger } from './context.js';
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
export function sleep(duration: Duration): Promise<void> {
  return Context.current().sleep(duration);
}
export const log = {
  trace: (m: string, a?: Record<string, unknown>) => Context.current().log.trace(m, a),
  debug: (m: string, a?: Record<string, unknown>) => Context.current().log.debug(m, a),
  info: (m: string, a?: Record<string, unknown>) => Context.current().log.info(m, a),
  warn: (m: string, a?: Record<string, unknown>) => Context.current().log.warn(m, a),
  error: (m: string, a?: Record<string, unknown>) => Context.current().log.error(m, a),
};
