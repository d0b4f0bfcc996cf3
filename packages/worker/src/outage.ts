// Failing polls are waited out, not a reason to stop: a remote engine that cannot be reached
// (restarting server, network blip; the transport marks such errors `retryable`), a 500 from the
// server or from what stands in front of it. Only refusals that retrying cannot change stop the
// worker (see Worker.onPollError); the embedded engine's UNAVAILABLE (its storage failed) is not
// marked retryable, and is one of them.
import { ApiError, isRetryableUnavailable } from '@endure/protocol';
import type { Logger } from './logger.js';

export const isTransient: (err: unknown) => err is ApiError = isRetryableUnavailable;

/** Back-off: from 100 ms, doubling, capped at 2 s, each wait jittered to 50-100 % (so many workers do not retry in step). */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/** Back-off shared by a worker's polling loops while polls fail; logs once per outage and once when it ends. */
export class Outage {
  private delayMs = 0;
  private since: number | undefined;

  constructor(private readonly logger: Logger) {}

  /** Waits before the next try (or until `signal` aborts). */
  async wait(err: ApiError, signal: AbortSignal): Promise<void> {
    if (this.since === undefined) {
      this.since = Date.now();
      const unreachable: boolean = isTransient(err); // a boolean: as a type guard it would narrow err to never below
      this.logger.warn(
        unreachable
          ? `engine unreachable, retrying until it is back: ${err.message}`
          : `task polls failing (${err.code}), retrying with back-off until they succeed: ${err.message}`,
      );
    }
    this.delayMs = Math.min(MAX_DELAY_MS, this.delayMs ? this.delayMs * 2 : FIRST_DELAY_MS);
    await abortableSleep(this.delayMs * (0.5 + Math.random() / 2), signal);
  }

  /** A poll succeeded: the outage (if any) is over. */
  over(): void {
    if (this.since === undefined) return;
    this.logger.info(`task polls succeed again after ${Date.now() - this.since} ms`);
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
