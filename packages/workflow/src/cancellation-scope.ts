import { CancelledFailure, toMs, type Duration } from '@endure/common';
import { maybeActivator } from './current.js';
import { sleep } from './timers.js';

type CancelListener = (reason: CancelledFailure) => void;

/** The store that follows async code: which scope the running code belongs to. */
interface ScopeStorage {
  run<R>(scope: CancellationScope, fn: () => R): R;
  getStore(): CancellationScope | undefined;
}
let storage: ScopeStorage | undefined;

/** The sandbox gives the runtime an AsyncLocalStorage (from its host thread) at start-up. */
export function setScopeStorage(s: ScopeStorage): void {
  storage = s;
}

export interface CancellationScopeOptions {
  cancellable?: boolean;
  parent?: CancellationScope;
  /** Cancels the scope after this long (see withTimeout). */
  timeout?: Duration;
  /** A workflow's root scope: it has no parent. */
  root?: boolean;
}

/**
 * A cancellation boundary (Temporal's CancellationScope). Cancelling a scope cancels the
 * cancellable operations started in it and in its cancellable descendants: timers, activities
 * and conditions reject with CancelledFailure and issue their cancel commands. A
 * non-cancellable scope shields what runs inside it from its ancestors' cancellation.
 */
export class CancellationScope {
  readonly cancellable: boolean;
  readonly parent: CancellationScope | undefined;
  private readonly timeoutMs: number | undefined;
  private listeners = new Set<CancelListener>();
  private cancelReason: CancelledFailure | undefined;
  private requested: Promise<never> | undefined;
  private rejectRequested: ((e: CancelledFailure) => void) | undefined;

  constructor(options: CancellationScopeOptions = {}) {
    this.cancellable = options.cancellable ?? true;
    this.timeoutMs = options.timeout === undefined ? undefined : toMs(options.timeout, 'CancellationScope timeout');
    this.parent = options.root ? undefined : (options.parent ?? CancellationScope.currentOrUndefined());
  }

  /** True once cancellation reached this scope and it is cancellable. */
  get consideredCancelled(): boolean {
    return this.cancellable && this.cancelReason !== undefined;
  }

  get reason(): CancelledFailure | undefined {
    return this.cancelReason;
  }

  /** Rejects with CancelledFailure when this scope is cancelled. */
  get cancelRequested(): Promise<never> {
    if (!this.requested) {
      this.requested = new Promise<never>((_, reject) => (this.rejectRequested = reject));
      this.requested.catch(() => {}); // observing it is optional
      if (this.consideredCancelled) this.rejectRequested!(this.cancelReason!);
    }
    return this.requested;
  }

  /** Registers cleanup for when the scope is cancelled; returns a function that unregisters it. */
  onCancel(listener: CancelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(reason = new CancelledFailure('Cancellation scope cancelled')): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    if (!this.cancellable) return;
    this.rejectRequested?.(reason);
    const ls = [...this.listeners];
    this.listeners.clear();
    for (const l of ls) l(reason);
  }

  /** Runs fn with this scope as the current one; cancellation reaches what fn starts. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const detach = this.attach();
    const run = () => this.runWithTimeout(fn);
    const p = storage ? storage.run(this, run) : run();
    return p.finally(detach);
  }

  /** Follows the parent's cancellation while this scope runs. */
  private attach(): () => void {
    const parent = this.parent;
    if (!parent || !this.cancellable) return () => {};
    if (parent.consideredCancelled) {
      this.cancel(parent.reason);
      return () => {};
    }
    return parent.onCancel((r) => this.cancel(r));
  }

  private async runWithTimeout<T>(fn: () => Promise<T>): Promise<T> {
    if (this.timeoutMs === undefined) return fn();
    // The timer lives in a scope of its own, so it is cancelled (not left pending) when fn wins.
    const timerScope = new CancellationScope({ cancellable: true });
    void timerScope
      .run(async () => {
        await sleep(this.timeoutMs!);
        this.cancel(new CancelledFailure('Cancellation scope timed out'));
      })
      .catch(() => {});
    try {
      return await fn();
    } finally {
      timerScope.cancel();
    }
  }

  /** The scope the running workflow code belongs to (the workflow's root scope by default). */
  static current(): CancellationScope {
    const s = CancellationScope.currentOrUndefined();
    if (!s) throw new Error('CancellationScope.current() can only be called from workflow code');
    return s;
  }

  private static currentOrUndefined(): CancellationScope | undefined {
    return storage?.getStore() ?? maybeActivator()?.rootScope;
  }

  static cancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true }).run(fn);
  }

  static nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: false }).run(fn);
  }

  static withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true, timeout }).run(fn);
  }
}

/** The scope operations started now belong to. */
export function currentScope(root: CancellationScope): CancellationScope {
  return storage?.getStore() ?? root;
}
