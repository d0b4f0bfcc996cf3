import { queueKeyString, runKeyString } from './keys.js';

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
  resolve(ref: TaskRef | null): void;
}

interface Queue {
  ready: TaskRef[];
  head: number;
  pollers: Poller[];
  /** Identities seen polling, with the last time, for task-queue describe. */
  seen: Map<string, number>;
}

const refKey = (r: TaskRef) => `${runKeyString(r)}\u0000${r.taskId}`;

/** In-memory task queues: ready work meets waiting pollers (long-poll), FIFO on both sides. */
export class Matching {
  private queues = new Map<string, Queue>();
  private queued = new Set<string>();

  constructor(
    private readonly now: () => number,
    /** Called the first time an identity polls a queue (a worker started). */
    private readonly onNewPoller: (namespace: string, taskQueue: string, kind: TaskRef['kind']) => void,
  ) {}

  private queue(key: string): Queue {
    let q = this.queues.get(key);
    if (!q) {
      q = { ready: [], head: 0, pollers: [], seen: new Map() };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Makes work available; offering the same task twice while it waits is a no-op. */
  offer(ref: TaskRef): void {
    const k = refKey(ref);
    if (this.queued.has(k)) return;
    const q = this.queue(queueKeyString(ref.namespace, ref.taskQueue, ref.kind));
    const poller = q.pollers.shift();
    if (poller) return poller.resolve(ref);
    this.queued.add(k);
    q.ready.push(ref);
  }

  /** Takes the next ready task, waiting up to timeoutMs; null on timeout or abort. */
  poll(namespace: string, taskQueue: string, kind: TaskRef['kind'], identity: string, timeoutMs: number, signal?: AbortSignal): Promise<TaskRef | null> {
    const q = this.queue(queueKeyString(namespace, taskQueue, kind));
    if (!q.seen.has(identity)) {
      q.seen.set(identity, this.now());
      this.onNewPoller(namespace, taskQueue, kind);
    }
    q.seen.set(identity, this.now());
    if (q.head < q.ready.length) {
      const ref = q.ready[q.head++]!;
      if (q.head > 1024 && q.head * 2 > q.ready.length) {
        q.ready = q.ready.slice(q.head);
        q.head = 0;
      }
      this.queued.delete(refKey(ref));
      return Promise.resolve(ref);
    }
    if (signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const poller: Poller = {
        identity,
        resolve: (ref) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(ref);
        },
      };
      const drop = () => {
        const i = q.pollers.indexOf(poller);
        if (i >= 0) q.pollers.splice(i, 1);
        poller.resolve(null);
      };
      const onAbort = () => drop();
      // A ref'd timer: a worker waiting for work keeps the process alive, as a socket would.
      const timer = setTimeout(drop, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      q.pollers.push(poller);
    });
  }

  /** Pollers seen on a queue and its backlog, for describe. */
  describe(namespace: string, taskQueue: string, kind: TaskRef['kind']): { pollers: { identity: string; lastAccessTime: number }[]; backlog: number } {
    const q = this.queues.get(queueKeyString(namespace, taskQueue, kind));
    if (!q) return { pollers: [], backlog: 0 };
    return {
      pollers: [...q.seen].map(([identity, lastAccessTime]) => ({ identity, lastAccessTime })),
      backlog: q.ready.length - q.head,
    };
  }

  /** Releases every waiting poller with null (engine shutting down). */
  close(): void {
    for (const q of this.queues.values()) for (const p of q.pollers.splice(0)) p.resolve(null);
  }
}
