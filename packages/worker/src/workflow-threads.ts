import { Worker as Thread } from 'node:worker_threads';
import type { TaskOutcome } from '@endure/core';
import type { Payload, QueryResult } from '@endure/protocol';
import type { FromThread, ToThread, ThreadTask } from './thread-messages.js';
import type { WorkflowBundle } from './bundler.js';
import { runtimeScript } from './runtime-bundle.js';
import type { Logger, LogLevel } from './logger.js';

export interface WorkflowThreadOptions {
  bundle: WorkflowBundle;
  threads: number;
  maxCachedWorkflows: number;
  /** An activation running longer than this is a deadlock: its thread is replaced. Default 2 s. */
  deadlockTimeoutMs?: number;
  logger: Logger;
  suggestContinueAsNewAt: { events: number; bytes: number };
}

type Outcome = TaskOutcome | { needHistory: true };
type QueryOutcome = QueryResult | { needHistory: true };

/** A request in flight to a thread: an activation, or a query. */
interface Pending {
  task: ThreadTask;
  now: number;
  query?: { queryType: string; args: Payload[] };
  resolve(o: Outcome | QueryOutcome): void;
}

interface Slot {
  thread: Thread;
  /** Messages of this tick, posted together. */
  outbox: ToThread[];
  /** True while the thread is being replaced: messages wait in the outbox. */
  replacing: boolean;
  pending: Map<number, Pending>;
  cached: number;
  /** Shared with the thread: [activation id running now or 0, its start time]. */
  watch: Float64Array;
}

const deadlock = (ms: number): Extract<TaskOutcome, { ok: false }> => ({
  ok: false,
  nondeterminism: false,
  failure: {
    message: `workflow code ran for over ${ms} ms without yielding (an infinite loop, or heavy CPU work that belongs in an activity); its workflow thread was replaced`,
    info: { type: 'application', errorType: 'DeadlockError', nonRetryable: false },
  },
});

/**
 * The main thread's side of the workflow threads. A run always goes to the same thread (by
 * run id), where its cached state lives; tasks of different runs proceed in parallel.
 *
 * Deadlocks are caught from outside, at no cost per activation: each thread publishes which
 * activation it is running and since when; a watchdog here terminates a thread stuck past the
 * limit, fails that one task, and replays the thread's other in-flight tasks on a fresh thread.
 */
export class WorkflowThreads {
  private slots: Slot[] = [];
  private nextId = 1;
  private readonly deadlockMs: number;
  private readonly watchdog: NodeJS.Timeout;
  private closing = false;
  private init!: Omit<Extract<ToThread, { type: 'init' }>, 'watch'>;

  private constructor(private readonly opts: WorkflowThreadOptions) {
    this.deadlockMs = opts.deadlockTimeoutMs ?? 2000;
    this.watchdog = setInterval(() => this.checkDeadlocks(), Math.max(10, Math.min(500, this.deadlockMs / 4)));
    this.watchdog.unref();
  }

  static async start(opts: WorkflowThreadOptions): Promise<WorkflowThreads> {
    const pool = new WorkflowThreads(opts);
    pool.init = {
      type: 'init',
      bundleCode: opts.bundle.code,
      runtimeCode: await runtimeScript(),
      maxCachedWorkflows: Math.ceil(opts.maxCachedWorkflows / opts.threads),
      suggestContinueAsNewAt: opts.suggestContinueAsNewAt,
    };
    try {
      pool.slots = await Promise.all(Array.from({ length: opts.threads }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Starts a thread; with `slot`, the new thread takes that slot's place (same routing). */
  private spawn(existing?: Slot): Promise<Slot> {
    const thread = new Thread(new URL('./workflow-thread.js', import.meta.url));
    thread.unref(); // a running worker's polls keep the process alive; idle threads must not
    const shared = new SharedArrayBuffer(16);
    const slot: Slot = existing ?? { thread, outbox: [], replacing: false, pending: new Map(), cached: 0, watch: new Float64Array(shared) };
    slot.thread = thread;
    slot.watch = new Float64Array(shared);
    slot.cached = 0;
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromThread): void => {
        if (slot.thread !== thread) return; // a replaced thread's last words
        if (m.type === 'batch') m.items.forEach(onMessage);
        else if (m.type === 'ready') resolve(slot);
        else if (m.type === 'initError') reject(new Error(`workflow thread failed to start: ${m.message}`));
        else if (m.type === 'log') this.opts.logger.log(m.level as LogLevel, m.message, m.attrs);
        else if (m.type === 'cached') slot.cached = m.cached;
        else if (m.type === 'queryResult') {
          const p = slot.pending.get(m.id);
          slot.pending.delete(m.id);
          p?.resolve(m.outcome);
        } else {
          slot.cached = m.cached;
          const p = slot.pending.get(m.id);
          slot.pending.delete(m.id);
          p?.resolve(m.outcome);
        }
      };
      thread.on('message', (m: FromThread | string) => onMessage(typeof m === 'string' ? (JSON.parse(m) as FromThread) : m));
      thread.on('error', (err) => {
        reject(err);
        if (!this.closing && slot.thread === thread) void this.replace(slot, undefined, `workflow thread crashed: ${err.stack ?? err.message}`);
      });
      thread.postMessage({ ...this.init, watch: shared } satisfies ToThread);
    });
  }

  private checkDeadlocks(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      const running = slot.watch[0]!;
      if (!slot.replacing && running !== 0 && now - slot.watch[1]! > this.deadlockMs) void this.replace(slot, running, 'deadlock');
    }
  }

  /**
   * Swaps a stuck or crashed thread for a new one in the same slot. Its in-flight tasks are sent
   * again to the new thread (which, with an empty cache, asks for their histories); messages
   * sent meanwhile wait in the outbox.
   */
  private async replace(slot: Slot, culprit: number | undefined, why: string): Promise<void> {
    if (slot.replacing) return;
    slot.replacing = true;
    this.opts.logger.warn(`replacing a workflow thread (${why}); its ${slot.pending.size} in-flight workflow tasks are replayed on the new one`);
    const inFlight = [...slot.pending];
    slot.pending.clear();
    slot.watch[0] = 0;
    await slot.thread.terminate();
    for (const [id, p] of inFlight) if (id === culprit) p.resolve(p.query ? { ok: false, failure: deadlock(this.deadlockMs).failure } : deadlock(this.deadlockMs));
    try {
      await this.spawn(slot);
    } finally {
      slot.replacing = false;
    }
    for (const [id, p] of inFlight) if (id !== culprit) this.post(slot, p);
    this.flush(slot);
  }

  private slotFor(runId: string): Slot {
    let h = 0;
    for (let i = 0; i < runId.length; i++) h = (h * 31 + runId.charCodeAt(i)) | 0;
    return this.slots[Math.abs(h) % this.slots.length]!;
  }

  private post(slot: Slot, p: Pending): void {
    const id = this.nextId++;
    slot.pending.set(id, p);
    if (p.query) this.send(slot, { type: 'query', id, task: p.task, queryType: p.query.queryType, args: p.query.args });
    else this.send(slot, { type: 'activate', id, task: p.task, now: p.now });
  }

  /** Answers a query on the thread that holds the run. */
  query(task: ThreadTask, queryType: string, args: Payload[]): Promise<QueryOutcome> {
    return new Promise((resolve) => this.post(this.slotFor(task.runId), { task, now: 0, query: { queryType, args }, resolve: resolve as (o: Outcome | QueryOutcome) => void }));
  }

  private send(slot: Slot, m: ToThread): void {
    // At the end of this turn of the event loop, not the first microtask checkpoint: the
    // tasks handed out in one turn then travel in one message (each post costs ~20 µs).
    if (slot.outbox.push(m) === 1) setImmediate(() => this.flush(slot));
  }

  private flush(slot: Slot): void {
    if (slot.replacing || slot.outbox.length === 0) return;
    const items = slot.outbox;
    slot.outbox = [];
    // As JSON text: cloning one string is far cheaper than structured-cloning many small objects.
    slot.thread.postMessage(JSON.stringify(items.length === 1 ? items[0] : ({ type: 'batch', items } satisfies ToThread)));
  }

  activate(task: ThreadTask, now: number): Promise<Outcome> {
    return new Promise((resolve) => this.post(this.slotFor(task.runId), { task, now, resolve: resolve as (o: Outcome | QueryOutcome) => void }));
  }

  /** Records a finished local activity in the run's live activation; resolves with the task's new outcome. */
  resolveLocal(runId: string, seq: number, outcome: { attempt: number; result?: Payload; failure?: import('@endure/protocol').Failure }): Promise<Outcome> {
    const slot = this.slotFor(runId);
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { task: { namespace: '', workflowId: '', runId, events: [], lastEventId: 0 }, now: 0, resolve: resolve as (o: Outcome | QueryOutcome) => void });
      this.send(slot, { type: 'resolveLocal', id, runId, seq, ...outcome });
    });
  }

  evict(runId: string): void {
    this.send(this.slotFor(runId), { type: 'evict', runId });
  }

  /** Threads running workflow code. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs in the sticky caches, as last reported by the threads. */
  get cached(): number {
    return this.slots.reduce((n, s) => n + s.cached, 0);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }
}
