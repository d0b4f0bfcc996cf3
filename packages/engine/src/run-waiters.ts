// Callers waiting for a run's next event: result and history long-polls, update callers. A
// commit that adds events to a run wakes its waiters; closing the engine wakes them all.
import type { RunKey } from '@endure/storage';
import { runKeyString } from './keys.js';
import type { Clock } from './timer-queue.js';

export class RunWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** `waits`: the clock long-poll timeouts run on (real time, even when the engine's clock is virtual). */
  constructor(private readonly waits: Clock) {}

  /** Resolves when the run gets a new event, or after timeoutMs; false on timeout or abort. */
  waitForEvent(key: RunKey, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const k = runKeyString(key);
    return new Promise((resolve) => {
      let set = this.waiters.get(k);
      if (!set) this.waiters.set(k, (set = new Set()));
      const done = (v: boolean) => {
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
        set!.delete(wake);
        if (set!.size === 0) this.waiters.delete(k);
        resolve(v);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const cancelTimer = this.waits.schedule(timeoutMs, () => done(false), true);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(wake);
    });
  }

  /** Whether anyone waits on the run (keyed by runKeyString): such a run stays in memory. */
  has(k: string): boolean {
    return this.waiters.has(k);
  }

  /** Wakes everyone waiting on the run. */
  wake(key: RunKey): void {
    const set = this.waiters.get(runKeyString(key));
    if (set) for (const w of [...set]) w();
  }

  wakeAll(): void {
    for (const set of this.waiters.values()) for (const w of [...set]) w();
  }
}
