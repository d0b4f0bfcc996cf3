import { AsyncLocalStorage } from 'node:async_hooks';
import type { EngineApi } from '@endure/protocol';
import { EngineConnection, type ConnectOptions } from '@endure/transport';
import { withCallDeadline } from './call-deadline.js';

export type { ConnectOptions as ConnectionOptions };

/** The client's connection to an engine (Temporal's Connection); only the address picks the deployment. */
export class Connection extends EngineConnection {
  private readonly deadlines = new AsyncLocalStorage<number>();
  private bounded: EngineApi | undefined;

  /** The engine API; calls made inside withDeadline() end by its deadline. */
  override get engine(): EngineApi {
    return (this.bounded ??= withCallDeadline(super.engine, () => this.deadlines.getStore()));
  }

  /**
   * Runs `fn` with a deadline (a Date, or epoch milliseconds) for every call it makes through
   * this connection, as Temporal's Connection.withDeadline: a wait (a result, an update waiting
   * for a worker) ends by then, and a call after it fails with DEADLINE_EXCEEDED. An update that
   * has not reached its stage by then rejects with WorkflowUpdateRPCTimeoutOrCancelledError; the
   * update itself is not cancelled. Nested deadlines: the earlier one counts.
   */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    const ms = deadline instanceof Date ? deadline.getTime() : deadline;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new TypeError(`connection.withDeadline: deadline must be a Date or a time in epoch milliseconds, got ${String(deadline)}`);
    }
    const outer = this.deadlines.getStore();
    return this.deadlines.run(outer === undefined ? ms : Math.min(outer, ms), fn);
  }
}
