// A remote engine that cannot be reached (restarting server, network blip) is an outage to wait
// out, not a reason to stop: the transport marks such errors `retryable`. The embedded engine's
// UNAVAILABLE (its storage failed) is not marked, and still stops the worker.
import { ApiError, isRetryableUnavailable } from '@endure/protocol';
import type { Logger } from './logger.js';

export const isTransient: (err: unknown) => err is ApiError = isRetryableUnavailable;

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/** Back-off shared by a worker's loops while the engine is unreachable; logs once per outage. */
export class Outage {
  private delayMs = 0;
  private since: number | undefined;

  constructor(private readonly logger: Logger) {}

  /** Waits before the next try (or until `signal` aborts). */
  async wait(err: ApiError, signal: AbortSignal): Promise<void> {
    if (this.since === undefined) {
      this.since = Date.now();
      this.logger.warn(`engine unreachable, retrying until it is back: ${err.message}`);
    }
    this.delayMs = Math.min(MAX_DELAY_MS, this.delayMs ? this.delayMs * 2 : FIRST_DELAY_MS);
    await abortableSleep(this.delayMs * (0.5 + Math.random() / 2), signal);
  }

  /** A call succeeded: the outage (if any) is over. */
  over(): void {
    if (this.since === undefined) return;
    this.logger.info(`engine reachable again after ${Date.now() - this.since} ms`);
    this.since = undefined;
    this.delayMs = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
