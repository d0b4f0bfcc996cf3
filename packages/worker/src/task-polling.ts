// Keeps a few long-polls open on a task queue, each asking for as many tasks as there are free
// execution slots: under load one exchange brings a burst of tasks (over HTTP a request and a
// response per task cost more than running a short task), and when idle the polls just wait.
import { MAX_TASKS_PER_POLL } from '@endure/protocol';

export interface TaskPollingOptions<T> {
  /** Polls kept open at once. */
  pollers: number;
  /** Tasks executing at once at most; a poll reserves the slots it asks for until it returns. */
  slots: number;
  /** Tasks started and not yet settled (executing or reporting) at most: past it polling waits, so a slow engine applies back-pressure. */
  maxUnsettled: number;
  isRunning(): boolean;
  /** Aborted when the worker stops: wakes pollers waiting for a slot. */
  stopped: AbortSignal;
  /** One long-poll for up to maxTasks tasks (none when it timed out or was aborted). */
  poll(maxTasks: number): Promise<T[]>;
  /** After a successful poll (the engine is reachable). */
  onPolled(): void;
  /** A poll failed: back off, or stop the worker. */
  onPollError(err: unknown): Promise<void>;
  /**
   * Runs one task; calls `free` when its execution slot may be reused (it is also freed when the
   * promise settles). Must not reject: it reports its own errors.
   */
  run(task: T, free: () => void): Promise<void>;
}

/** Polls and runs tasks until isRunning() turns false; resolves once every started task settled. */
export async function pollTasks<T>(o: TaskPollingOptions<T>): Promise<void> {
  let executing = 0;
  let reserved = 0;
  const waiting: (() => void)[] = [];
  const wakeAll = () => {
    for (const wake of waiting.splice(0)) wake();
  };
  const unsettled = new Set<Promise<void>>();

  const start = (task: T) => {
    executing++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      executing--;
      wakeAll();
    };
    const p: Promise<void> = o.run(task, free).finally(() => {
      free();
      unsettled.delete(p);
      wakeAll();
    });
    unsettled.add(p);
  };

  const poller = async () => {
    while (o.isRunning()) {
      const free = o.slots - executing - reserved;
      if (free <= 0 || unsettled.size >= o.maxUnsettled) {
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      const want = Math.min(free, MAX_TASKS_PER_POLL);
      reserved += want;
      let tasks: T[];
      try {
        tasks = await o.poll(want);
      } catch (err) {
        reserved -= want;
        wakeAll();
        await o.onPollError(err);
        continue;
      }
      // Unreserving and starting in one synchronous step: no other poller takes the slots between.
      reserved -= want;
      o.onPolled();
      for (const task of tasks) start(task);
      // The tasks' first messages (to a workflow thread, a completion) go out at the end of this
      // turn; the next polls' requests, this poller's and the others', wait for them rather than
      // delaying them.
      if (tasks.length > 0) await new Promise<void>((r) => setImmediate(r));
      if (tasks.length < want) wakeAll(); // the unused reservation is free for the others
    }
    wakeAll(); // let the other pollers see the state change
  };

  o.stopped.addEventListener('abort', wakeAll, { once: true });
  await Promise.all(Array.from({ length: Math.max(1, o.pollers) }, poller));
  await Promise.all(unsettled);
}
