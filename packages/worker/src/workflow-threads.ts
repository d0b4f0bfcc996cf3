import { Worker as Thread } from 'node:worker_threads';
import type { TaskOutcome } from '@endure/core';
import type { FromThread, ToThread, ThreadTask } from './thread-messages.js';
import type { WorkflowBundle } from './bundler.js';
import { runtimeScript } from './runtime-bundle.js';
import type { Logger, LogLevel } from './logger.js';

export interface WorkflowThreadOptions {
  bundle: WorkflowBundle;
  threads: number;
  maxCachedWorkflows: number;
  deadlockTimeoutMs?: number;
  logger: Logger;
}

interface Slot {
  thread: Thread;
  pending: Map<number, (o: TaskOutcome | { needHistory: true }) => void>;
  cached: number;
}

/**
 * The main thread's side of the workflow threads. A run always goes to the same thread (by
 * run id), where its cached state lives; tasks of different runs proceed in parallel.
 */
export class WorkflowThreads {
  private slots: Slot[] = [];
  private nextId = 1;

  private constructor(private readonly logger: Logger) {}

  static async start(opts: WorkflowThreadOptions): Promise<WorkflowThreads> {
    const pool = new WorkflowThreads(opts.logger);
    const runtimeCode = await runtimeScript();
    const perThread = Math.ceil(opts.maxCachedWorkflows / opts.threads);
    pool.slots = await Promise.all(
      Array.from({ length: opts.threads }, () =>
        pool.spawn({ type: 'init', bundleCode: opts.bundle.code, runtimeCode, deadlockTimeoutMs: opts.deadlockTimeoutMs, maxCachedWorkflows: perThread }),
      ),
    );
    return pool;
  }

  private spawn(init: ToThread): Promise<Slot> {
    const thread = new Thread(new URL('./workflow-thread.js', import.meta.url));
    thread.unref(); // a running worker's polls keep the process alive; idle threads must not
    const slot: Slot = { thread, pending: new Map(), cached: 0 };
    return new Promise((resolve, reject) => {
      thread.on('message', (m: FromThread) => {
        if (m.type === 'ready') resolve(slot);
        else if (m.type === 'initError') reject(new Error(`workflow thread failed to start: ${m.message}`));
        else if (m.type === 'log') this.logger.log(m.level as LogLevel, m.message, m.attrs);
        else if (m.type === 'cached') slot.cached = m.cached;
        else {
          slot.cached = m.cached;
          const done = slot.pending.get(m.id);
          slot.pending.delete(m.id);
          done?.(m.outcome);
        }
      });
      thread.on('error', (err) => {
        this.logger.error(`workflow thread crashed: ${err.stack ?? err.message}`);
        reject(err);
        for (const done of slot.pending.values()) {
          done({ ok: false, nondeterminism: false, failure: { message: `workflow thread crashed: ${err.message}` } });
        }
        slot.pending.clear();
      });
      thread.postMessage(init);
    });
  }

  private slotFor(runId: string): Slot {
    let h = 0;
    for (let i = 0; i < runId.length; i++) h = (h * 31 + runId.charCodeAt(i)) | 0;
    return this.slots[Math.abs(h) % this.slots.length]!;
  }

  activate(task: ThreadTask, now: number): Promise<TaskOutcome | { needHistory: true }> {
    const slot = this.slotFor(task.runId);
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, resolve);
      slot.thread.postMessage({ type: 'activate', id, task, now } satisfies ToThread);
    });
  }

  evict(runId: string): void {
    this.slotFor(runId).thread.postMessage({ type: 'evict', runId } satisfies ToThread);
  }

  /** Runs in the sticky caches, as last reported by the threads. */
  get cached(): number {
    return this.slots.reduce((n, s) => n + s.cached, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }
}
