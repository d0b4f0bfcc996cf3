import { CancelledFailure } from '@endure/common';

type CancelListener = (reason: CancelledFailure) => void;

/**
 * A cancellation boundary. Cancelling a scope cancels the cancellable operations started in it:
 * timers, activities and conditions reject with CancelledFailure and issue their cancel commands.
 * Issue 2 uses the root scope (workflow cancellation); nested scopes build on the same listeners.
 */
export class CancellationScope {
  private listeners = new Set<CancelListener>();
  private cancelReason: CancelledFailure | undefined;

  constructor(readonly cancellable = true) {}

  get consideredCancelled(): boolean {
    return this.cancellable && this.cancelReason !== undefined;
  }

  /** Registers cleanup for when the scope is cancelled; returns a function that unregisters it. */
  onCancel(listener: CancelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(reason = new CancelledFailure('Workflow cancelled')): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    if (!this.cancellable) return;
    const ls = [...this.listeners];
    this.listeners.clear();
    for (const l of ls) l(reason);
  }

  get reason(): CancelledFailure | undefined {
    return this.cancelReason;
  }
}
