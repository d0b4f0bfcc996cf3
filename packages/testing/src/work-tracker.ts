import type { ActivityTask, EngineApi } from '@endure/protocol';

/** A workflow task not completed within this much real time is presumed lost (worker gone). */
const WORKFLOW_TASK_HOLD_MS = 10_000;

interface Hold {
  activity: boolean;
  expiry: NodeJS.Timeout | undefined;
}

/**
 * Sees every engine call the environment's client and workers make (by wrapping the EngineApi
 * their connections expose) and keeps what time skipping needs to know: tasks handed out and
 * not yet reported, calls in flight, and whether someone waits for a workflow result.
 */
export class WorkTracker {
  /** Grows on every event; a skip only happens after a quiet period in which it did not move. */
  generation = 0;
  /** getResult long-polls in flight: time skips by itself only while one is. */
  resultWaits = 0;
  private calls = 0;
  private readonly holds = new Map<string, Hold>();
  private waiters: (() => void)[] = [];

  /** No task handed out and unreported, no call in flight; `ignoreActivities` for env.sleep. */
  idle(ignoreActivities: boolean): boolean {
    if (this.calls > 0) return false;
    for (const h of this.holds.values()) if (!(ignoreActivities && h.activity)) return false;
    return true;
  }

  /** Resolves at the next event. */
  changed(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  bump(): void {
    this.generation++;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  close(): void {
    for (const h of this.holds.values()) clearTimeout(h.expiry);
    this.holds.clear();
    this.bump();
  }

  /** An EngineApi that reports to this tracker; methods it does not know count as plain calls. */
  wrap(api: EngineApi): EngineApi {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(api, {
      get: (target, prop) => {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        if (!cache.has(prop)) cache.set(prop, this.wrapMethod(prop, (...a: unknown[]) => (v as (...a: unknown[]) => Promise<unknown>).apply(target, a)));
        return cache.get(prop);
      },
    });
  }

  private wrapMethod(name: string, fn: (...a: unknown[]) => Promise<unknown>): (...a: unknown[]) => Promise<unknown> {
    if (name === 'heartbeatActivityTask') return fn; // the activity's hold already covers it
    if (name === 'getResult') {
      return async (...a) => {
        this.resultWaits++;
        this.bump();
        try {
          return await fn(...a);
        } finally {
          this.resultWaits--;
          this.bump();
        }
      };
    }
    if (name.startsWith('poll')) {
      // Waiting for work is not work; the task it returns is, until it is reported.
      return async (...a) => {
        const answer = await fn(...a);
        const tasks = (answer as { tasks?: unknown } | null)?.tasks;
        for (const task of Array.isArray(tasks) ? tasks : [answer]) {
          if (task && typeof (task as { taskToken?: unknown }).taskToken === 'string') this.hold(name, task as { taskToken: string });
        }
        return answer;
      };
    }
    return async (...a) => {
      const req = a[0] as { taskToken?: unknown; waitNewEvent?: unknown } | undefined;
      if (name === 'getHistory' && req?.waitNewEvent) return fn(...a); // a long-poll
      this.calls++;
      this.bump();
      try {
        return await fn(...a);
      } finally {
        this.calls--;
        if (typeof req?.taskToken === 'string') this.release(req.taskToken);
        this.bump();
      }
    };
  }

  private hold(pollName: string, task: { taskToken: string }): void {
    const activity = pollName.startsWith('pollActivityTask');
    let limit: number | undefined = WORKFLOW_TASK_HOLD_MS;
    if (activity) {
      // The worker gives up (without reporting) after start-to-close of real time.
      const t = (task as ActivityTask).timeouts;
      limit = t?.startToCloseTimeoutMs ?? t?.scheduleToCloseTimeoutMs;
    }
    const expiry = limit === undefined ? undefined : setTimeout(() => this.release(task.taskToken), limit + 50);
    expiry?.unref();
    this.release(task.taskToken);
    this.holds.set(task.taskToken, { activity, expiry });
    this.bump();
  }

  private release(token: string): void {
    const h = this.holds.get(token);
    if (!h) return;
    clearTimeout(h.expiry);
    this.holds.delete(token);
    this.bump();
  }
}
