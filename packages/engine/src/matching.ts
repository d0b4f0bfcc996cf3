import { queueKeyString, runKeyString } from './keys.js';
import type { Clock } from './timer-queue.js';

/** A pointer to dispatchable work; the run's state decides whether it is still wanted. */
export interface TaskRef {
  kind: 'workflow' | 'activity';
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  taskId: string;
}

interface Poller {
  identity: string;
  /** The polling Worker instance (sticky routing), if it said. */
  workerId: string | undefined;
  resolve(ref: TaskRef | null): void;
}

interface Queue {
  namespace: string;
  taskQueue: string;
  kind: TaskRef['kind'];
  ready: TaskRef[];
  head: number;
  pollers: Poller[];
  /** Identities seen polling, with the last time, for task-queue describe. */
  seen: Map<string, number>;
  /** Work held for one worker instance that has the run cached (sticky), by worker id. */
  sticky: Map<string, Held[]>;
}

/** Sticky work and the timer that releases it to every worker. */
interface Held {
  ref: TaskRef;
  cancel: () => void;
}

/** How long sticky work waits for its worker before any worker may take it. */
export const DEFAULT_STICKY_TIMEOUT_MS = 2_000;

const refKey = (r: TaskRef) => `${runKeyString(r)}\u0000${r.taskId}`;

/**
 * In-memory task queues: ready work meets waiting pollers (long-poll), FIFO on both sides.
 * Workflow work of a run some worker has cached goes to that worker first (sticky routing, so it
 * needs no replay); if that worker does not take it within the sticky timeout (gone, busy), any
 * worker may.
 */
export class Matching {
  private queues = new Map<string, Queue>();
  private queued = new Set<string>();

  constructor(
    private readonly now: () => number,
    /** Real-time waits: poll timeouts and sticky hand-over. */
    private readonly waits: Clock,
    /** Called the first time an identity polls a queue (a worker started). */
    private readonly onNewPoller: (namespace: string, taskQueue: string, kind: TaskRef['kind']) => void,
    /** The worker instance that has this work's run cached, if any. */
    private readonly stickyWorkerOf: (ref: TaskRef) => string | undefined = () => undefined,
    private readonly stickyTimeoutMs = DEFAULT_STICKY_TIMEOUT_MS,
  ) {}

  private queue(namespace: string, taskQueue: string, kind: TaskRef['kind']): Queue {
    const key = queueKeyString(namespace, taskQueue, kind);
    let q = this.queues.get(key);
    if (!q) {
      q = { namespace, taskQueue, kind, ready: [], head: 0, pollers: [], seen: new Map(), sticky: new Map() };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Makes work available; offering the same task twice while it waits is a no-op. */
  offer(ref: TaskRef): void {
    const k = refKey(ref);
    if (this.queued.has(k)) return;
    const q = this.queue(ref.namespace, ref.taskQueue, ref.kind);
    const workerId = ref.kind === 'workflow' ? this.stickyWorkerOf(ref) : undefined;
    if (workerId !== undefined) {
      const i = q.pollers.findIndex((p) => p.workerId === workerId);
      if (i >= 0) return q.pollers.splice(i, 1)[0]!.resolve(ref);
      this.queued.add(k);
      const held = q.sticky.get(workerId) ?? [];
      const h: Held = { ref, cancel: this.waits.schedule(this.stickyTimeoutMs, () => this.unstick(q, workerId, h)) };
      held.push(h);
      q.sticky.set(workerId, held);
      return;
    }
    const poller = q.pollers.shift();
    if (poller) return poller.resolve(ref);
    this.queued.add(k);
    q.ready.push(ref);
  }

  /** The sticky worker did not take `h` in time: any worker may now. */
  private unstick(q: Queue, workerId: string, h: Held): void {
    const held = q.sticky.get(workerId);
    const i = held?.indexOf(h) ?? -1;
    if (!held || i < 0) return; // taken meanwhile
    held.splice(i, 1);
    if (held.length === 0) q.sticky.delete(workerId);
    const ref = h.ref;
    this.queued.delete(refKey(ref));
    const poller = q.pollers.shift();
    if (poller) return poller.resolve(ref);
    this.queued.add(refKey(ref));
    q.ready.push(ref);
  }

  /**
   * Takes up to `max` ready tasks (this worker's sticky work first); when none is ready, waits up
   * to timeoutMs for the first. Empty on timeout or abort.
   */
  poll(namespace: string, taskQueue: string, kind: TaskRef['kind'], identity: string, timeoutMs: number, signal?: AbortSignal, workerId?: string, max = 1): Promise<TaskRef[]> {
    const q = this.queue(namespace, taskQueue, kind);
    if (!q.seen.has(identity)) {
      q.seen.set(identity, this.now());
      this.onNewPoller(namespace, taskQueue, kind);
    }
    q.seen.set(identity, this.now());
    const taken = this.take(q, workerId, max);
    if (taken.length > 0) return Promise.resolve(taken);
    if (signal?.aborted) return Promise.resolve(taken);
    return new Promise((resolve) => {
      const poller: Poller = {
        identity,
        workerId,
        resolve: (ref) => {
          cancelTimer();
          signal?.removeEventListener('abort', onAbort);
          resolve(ref ? [ref] : []);
        },
      };
      const drop = () => {
        const i = q.pollers.indexOf(poller);
        if (i >= 0) q.pollers.splice(i, 1);
        poller.resolve(null);
      };
      const onAbort = () => drop();
      // A ref'd timer: a worker waiting for work keeps the process alive, as a socket would.
      const cancelTimer = this.waits.schedule(timeoutMs, drop, true);
      signal?.addEventListener('abort', onAbort, { once: true });
      q.pollers.push(poller);
    });
  }

  /** Takes up to `max` tasks that are ready now: the worker's held sticky work, then the queue. */
  private take(q: Queue, workerId: string | undefined, max: number): TaskRef[] {
    const taken: TaskRef[] = [];
    const held = workerId === undefined ? undefined : q.sticky.get(workerId);
    while (held?.length && taken.length < max) {
      const h = held.shift()!;
      h.cancel();
      this.queued.delete(refKey(h.ref));
      taken.push(h.ref);
    }
    if (held?.length === 0) q.sticky.delete(workerId!);
    while (q.head < q.ready.length && taken.length < max) {
      const ref = q.ready[q.head++]!;
      this.queued.delete(refKey(ref));
      taken.push(ref);
    }
    if (q.head > 1024 && q.head * 2 > q.ready.length) {
      q.ready = q.ready.slice(q.head);
      q.head = 0;
    }
    return taken;
  }

  /** Pollers seen on a queue and its backlog, for describe. */
  describe(namespace: string, taskQueue: string, kind: TaskRef['kind']): { pollers: { identity: string; lastAccessTime: number }[]; backlog: number } {
    const q = this.queues.get(queueKeyString(namespace, taskQueue, kind));
    if (!q) return { pollers: [], backlog: 0 };
    let held = 0;
    for (const refs of q.sticky.values()) held += refs.length;
    return {
      pollers: [...q.seen].map(([identity, lastAccessTime]) => ({ identity, lastAccessTime })),
      backlog: q.ready.length - q.head + held,
    };
  }

  /**
   * The task queues of `namespace` (for `kind`, or either) that a worker polls now or polled at
   * `since` or later: what a mistyped task queue is compared with.
   */
  polledQueues(namespace: string, since: number, kind?: TaskRef['kind']): string[] {
    const names = new Set<string>();
    for (const q of this.queues.values()) {
      if (q.namespace !== namespace || (kind !== undefined && q.kind !== kind) || names.has(q.taskQueue)) continue;
      if (q.pollers.length > 0 || [...q.seen.values()].some((t) => t >= since)) names.add(q.taskQueue);
    }
    return [...names];
  }

  /** Forgets the queued and held work `gone` names (its run's shard left this node). */
  dropWhere(gone: (ref: TaskRef) => boolean): void {
    for (const q of this.queues.values()) {
      const kept = q.ready.slice(q.head).filter((ref) => !gone(ref) || (this.queued.delete(refKey(ref)), false));
      q.ready = kept;
      q.head = 0;
      for (const [workerId, held] of q.sticky) {
        const stay = held.filter((h) => !gone(h.ref) || (h.cancel(), this.queued.delete(refKey(h.ref)), false));
        if (stay.length) q.sticky.set(workerId, stay);
        else q.sticky.delete(workerId);
      }
    }
  }

  /** Releases every waiting poller with null (engine shutting down). */
  close(): void {
    for (const q of this.queues.values()) {
      for (const held of q.sticky.values()) for (const h of held) h.cancel();
      for (const p of q.pollers.splice(0)) p.resolve(null);
    }
  }
}
