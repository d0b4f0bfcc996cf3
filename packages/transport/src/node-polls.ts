// A worker's polls on a cluster whose nodes the connection knows. Each node holds the tasks of its
// own shards; a poll sent to one node the plain way waits on every node (that node forwards it to
// the others and ends their waits when one answers: several requests per poll). Here the
// connection keeps one poll open on each node per task queue instead, asking each for its own
// tasks only (POLL_SCOPE_HEADER), and hands what they bring to the worker's polls in the order
// those came. A node's poll is never cut off, since its answer may hold tasks already handed
// out: tasks that arrive while no worker poll waits are held a moment for the next one, then
// given back to their node (releaseTask), which offers them again at once.
import { ApiError, MAX_TASKS_PER_POLL, POLL_SCOPE_HEADER, type PollTasksRequest } from '@endure/protocol';
import type { ClusterView, NodeLink } from './cluster-view.js';

export type PollsOperation = 'pollWorkflowTasks' | 'pollActivityTasks';
interface Task {
  taskToken: string;
}
interface PollsAnswer {
  tasks: Task[];
}

/** How long a node's poll waits for tasks before it is sent again. */
const NODE_POLL_MS = 30_000;
/** A worker poll without a timeout waits as long as the engine's default. */
const DEFAULT_WAIT_MS = 60_000;
/** How long a task no worker poll was waiting for is held before it is given back to its node. */
const HOLD_MS = 500;
/** After a node failed, when to try it again (ClusterView leaves it out meanwhile). */
const RETRY_NODE_MS = 2_100;

interface Waiter {
  want: number;
  done(tasks: Task[]): void;
  fail(err: unknown): void;
}

/** The polls of one task queue (one operation, namespace, queue and worker). */
class QueuePolls {
  private readonly waiters: Waiter[] = [];
  private held: { task: Task; node: NodeLink; at: number }[] = [];
  /** Addresses of the nodes a poll is open on. */
  private readonly open = new Set<string>();
  private holdTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly op: PollsOperation,
    /** The request the node polls send (maxTasks and timeoutMs set per poll). */
    private readonly request: PollTasksRequest,
    private readonly view: ClusterView,
    private readonly onIdle: () => void,
  ) {}

  /** A worker poll: held tasks at once, else the first that any node brings (or none at its deadline). */
  take(req: PollTasksRequest, signal?: AbortSignal): Promise<PollsAnswer> {
    if (signal?.aborted) return Promise.resolve({ tasks: [] });
    if (this.held.length > 0) return Promise.resolve({ tasks: this.held.splice(0, req.maxTasks).map((h) => h.task) });
    return new Promise<PollsAnswer>((resolve, reject) => {
      let finished = false;
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        this.checkIdle();
      };
      const waiter: Waiter = {
        want: req.maxTasks,
        done: (tasks) => {
          if (finished) return;
          finish();
          resolve({ tasks });
        },
        fail: (err) => {
          if (finished) return;
          finish();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.done([]), req.timeoutMs ?? DEFAULT_WAIT_MS);
      const onAbort = () => waiter.done([]);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Opens a poll on each usable node that has none, while worker polls wait. */
  pump(): void {
    if (this.closed) return;
    const demand = this.waiters.reduce((n, w) => n + w.want, 0);
    if (demand === 0) return;
    const nodes = this.view.nodes();
    if (nodes.length === 0 && this.open.size === 0) {
      // No node to poll (the view was lost, or every node failed just now): the worker's polls
      // answer empty and come back, and then go the plain way.
      for (const w of [...this.waiters]) w.done([]);
      return;
    }
    for (const node of nodes) if (!this.open.has(node.address)) this.pollNode(node, Math.min(MAX_TASKS_PER_POLL, demand));
  }

  private pollNode(node: NodeLink, maxTasks: number): void {
    this.open.add(node.address);
    node.http.caller
      .call(this.op, { ...this.request, maxTasks, timeoutMs: NODE_POLL_MS }, undefined, { [POLL_SCOPE_HEADER]: 'node' })
      .then(
        (answer) => this.deliver((answer as PollsAnswer).tasks ?? [], node),
        (err: unknown) => {
          if (this.closed) return;
          if (err instanceof ApiError && err.code !== 'UNAVAILABLE' && err.code !== 'DEADLINE_EXCEEDED') {
            // A refusal (an unknown namespace, a key that may not poll): the worker's to hear.
            for (const w of [...this.waiters]) w.fail(err);
            return;
          }
          this.view.failed(node.address);
          this.retryTimer ??= setTimeout(() => {
            this.retryTimer = undefined;
            this.pump();
          }, RETRY_NODE_MS);
        },
      )
      .finally(() => {
        this.open.delete(node.address);
        this.pump();
        this.checkIdle();
      });
  }

  /** Tasks a node brought: to the waiting worker polls, first come first served; the rest held. */
  private deliver(tasks: Task[], node: NodeLink): void {
    let i = 0;
    while (i < tasks.length && this.waiters.length > 0) {
      const w = this.waiters[0]!;
      const part = tasks.slice(i, i + w.want);
      i += part.length;
      w.done(part);
    }
    if (i === tasks.length) return;
    const at = Date.now();
    for (const task of tasks.slice(i)) this.held.push({ task, node, at });
    this.holdTimer ??= setTimeout(() => this.giveBack(false), HOLD_MS);
  }

  /** The connection closes: waiting worker polls answer with no tasks, held tasks go back. */
  close(): Promise<unknown> {
    this.closed = true;
    for (const w of [...this.waiters]) w.done([]);
    clearTimeout(this.retryTimer);
    return this.giveBack(true);
  }

  /** Gives held tasks back to their nodes: those held HOLD_MS, or (`all`) every one. */
  giveBack(all: boolean): Promise<unknown> {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const due = Date.now() - HOLD_MS;
    const back = all ? this.held : this.held.filter((h) => h.at <= due);
    this.held = all ? [] : this.held.filter((h) => h.at > due);
    if (this.held.length > 0) this.holdTimer = setTimeout(() => this.giveBack(false), HOLD_MS);
    this.checkIdle();
    // Not given back (the node is gone): the task is offered again after its timeout.
    return Promise.all(back.map((h) => h.node.http.api.releaseTask({ taskToken: h.task.taskToken }).catch(() => {})));
  }

  private checkIdle(): void {
    if (this.waiters.length === 0 && this.open.size === 0 && this.held.length === 0) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.onIdle();
    }
  }
}

/** The node polls of every task queue the connection's workers poll. */
export class NodePolls {
  private readonly queues = new Map<string, QueuePolls>();
  private closed = false;

  constructor(private readonly view: ClusterView) {}

  poll(op: PollsOperation, req: PollTasksRequest, signal?: AbortSignal): Promise<PollsAnswer> {
    if (this.closed) return Promise.reject(new ApiError('UNAVAILABLE', 'the connection is closed'));
    const { maxTasks: _m, timeoutMs: _t, ...same } = req;
    const key = JSON.stringify([op, same.namespace, same.taskQueue, same.identity, same.workerId ?? null]);
    let q = this.queues.get(key);
    if (!q) {
      const made = new QueuePolls(op, same as PollTasksRequest, this.view, () => this.queues.get(key) === made && this.queues.delete(key));
      this.queues.set(key, (q = made));
    }
    return q.take(req, signal);
  }

  /** Whether some worker poll is waiting for tasks. */
  waiting(): boolean {
    for (const q of this.queues.values()) if (q.waiting) return true;
    return false;
  }

  /** The usable nodes changed: open polls on new ones. */
  wake(): void {
    for (const q of this.queues.values()) q.pump();
  }

  /** Gives every held task back; polls still open on nodes end with the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
