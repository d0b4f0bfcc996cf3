import { randomUUID } from 'node:crypto';
import { retryWhileUnavailable, type EngineApi, type HistoryEvent, type Payload, type WorkflowDescription } from '@endure/protocol';
import {
  toPayloads,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  decodeFailure,
  fromPayloads,
  type PayloadConverter,
} from '@endure/common';
import { WorkflowFailedError, translateError } from './errors.js';
import { WorkflowUpdateHandle, outcome, sendUpdate, type UpdateRef } from './update-handle.js';

/** A signal as the client names it: a definition shared with the workflow code, or its name. */
export type SignalRef<Args extends unknown[] = unknown[]> = string | { type: 'signal'; name: string; __args?: Args };
export type QueryRef<Ret = unknown, Args extends unknown[] = unknown[]> = string | { type: 'query'; name: string; __args?: Args; __ret?: Ret };

interface HandleDeps {
  engine: EngineApi;
  namespace: string;
  converter: PayloadConverter;
  identity: string;
}

/** A reference to one workflow (and, if known, one run of it). */
export class WorkflowHandle<R = unknown> {
  constructor(
    private readonly deps: HandleDeps,
    readonly workflowId: string,
    /** The run this handle is bound to; undefined means the latest run of the id. */
    readonly runId: string | undefined,
    readonly firstExecutionRunId: string | undefined = runId,
  ) {}

  private get ref() {
    return { namespace: this.deps.namespace, workflowId: this.workflowId, runId: this.runId };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateError(err, { workflowId: this.workflowId, runId: this.runId });
    }
  }

  /**
   * Sends a change carrying a request id, resending the same request through an outage (a
   * server restarting): the engine applies it once, however many times it arrives.
   */
  private resend<R extends { requestId: string }>(req: R, send: (req: R) => Promise<void>): Promise<void> {
    return this.call(() => retryWhileUnavailable(() => send(req)));
  }

  /**
   * Waits for the workflow to close; resolves with its result or rejects with WorkflowFailedError.
   * A run that continued as new is followed to its successor, to the end of the chain.
   */
  async result(): Promise<R> {
    let runId = this.runId;
    for (;;) {
      // A server restarting meanwhile is waited out (as a gRPC client's retry policy would).
      const r = await this.call(() => retryWhileUnavailable(() => this.deps.engine.getResult({ namespace: this.deps.namespace, workflowId: this.workflowId, runId, timeoutMs: 60_000 })));
      if (r.closeEvent?.type === 'WorkflowExecutionContinuedAsNew') runId = r.closeEvent.attributes.newRunId;
      else if (r.closeEvent) return this.outcome(r.closeEvent);
    }
  }

  private outcome(e: HistoryEvent): R {
    const c = this.deps.converter;
    switch (e.type) {
      case 'WorkflowExecutionCompleted':
        return (e.attributes.result ? c.fromPayload(e.attributes.result) : undefined) as R;
      case 'WorkflowExecutionFailed':
        throw new WorkflowFailedError('Workflow execution failed', decodeFailure(e.attributes.failure, c), 'NON_RETRYABLE_FAILURE');
      case 'WorkflowExecutionCanceled':
        throw new WorkflowFailedError('Workflow execution cancelled', new CancelledFailure('Workflow cancelled', fromPayloads(c, e.attributes.details)), 'CANCEL_REQUESTED');
      case 'WorkflowExecutionTerminated':
        throw new WorkflowFailedError('Workflow execution terminated', new TerminatedFailure(e.attributes.reason ?? 'Workflow terminated'), 'NON_RETRYABLE_FAILURE');
      case 'WorkflowExecutionTimedOut':
        throw new WorkflowFailedError('Workflow execution timed out', new TimeoutFailure(`workflow ${e.attributes.timeoutType.toLowerCase()} timeout`, undefined, 'START_TO_CLOSE'), 'TIMEOUT');
      default:
        throw new Error(`unexpected close event ${e.type}`);
    }
  }

  /** Sends a signal (a definition from defineSignal, or its name) with arguments. */
  async signal<Args extends unknown[]>(def: SignalRef<Args>, ...args: Args): Promise<void> {
    const signalName = typeof def === 'string' ? def : def.name;
    const input = toPayloads(this.deps.converter, args, `signal '${signalName}' argument`);
    await this.resend({ ...this.ref, signalName, input, identity: this.deps.identity, requestId: randomUUID() }, (r) => this.deps.engine.signalWorkflow(r));
  }

  /** Runs a query (a definition from defineQuery, or its name) against the workflow's state. */
  async query<Ret = unknown, Args extends unknown[] = unknown[]>(def: QueryRef<Ret, Args>, ...args: Args): Promise<Ret> {
    const queryType = typeof def === 'string' ? def : def.name;
    const payloads = toPayloads(this.deps.converter, args, `query '${queryType}' argument`);
    const r = await this.call(() => this.deps.engine.queryWorkflow({ ...this.ref, queryType, args: payloads }));
    return (r.result ? this.deps.converter.fromPayload(r.result) : undefined) as Ret;
  }

  /** Runs an update and returns its result (or throws WorkflowUpdateFailedError). */
  async executeUpdate<Ret = unknown, Args extends unknown[] = unknown[]>(def: UpdateRef<Ret, Args>, opts: { args?: Args; updateId?: string } = {}): Promise<Ret> {
    const { response } = await sendUpdate(this.deps, this.workflowId, this.runId, def, opts, 'COMPLETED');
    return outcome<Ret>(this.deps, response);
  }

  /** Sends an update and returns once it is accepted (or rejected): result() waits for the outcome. */
  async startUpdate<Ret = unknown, Args extends unknown[] = unknown[]>(
    def: UpdateRef<Ret, Args>,
    opts: { args?: Args; updateId?: string; waitForStage?: 'ACCEPTED' } = {},
  ): Promise<WorkflowUpdateHandle<Ret>> {
    const { handle } = await sendUpdate(this.deps, this.workflowId, this.runId, def, opts, 'ACCEPTED');
    return handle as WorkflowUpdateHandle<Ret>;
  }

  /** A handle to an update sent earlier, by its id. */
  getUpdateHandle<Ret = unknown>(updateId: string): WorkflowUpdateHandle<Ret> {
    return new WorkflowUpdateHandle<Ret>(this.deps, updateId, this.workflowId, this.runId);
  }

  /** Status and pending work of the run; memo and search attributes decoded. */
  async describe(): Promise<Omit<WorkflowDescription, 'memo' | 'searchAttributes'> & { memo: Record<string, unknown>; searchAttributes: Record<string, unknown> }> {
    const d = await this.call(() => this.deps.engine.describeWorkflow(this.ref));
    const decode = (m: Record<string, Payload>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, this.deps.converter.fromPayload(v)]));
    return { ...d, memo: decode(d.memo), searchAttributes: decode(d.searchAttributes) };
  }

  /** The run's full event history. */
  async fetchHistory(): Promise<{ events: HistoryEvent[] }> {
    const r = await this.call(() => this.deps.engine.getHistory(this.ref));
    return { events: r.events };
  }

  /** Asks the workflow to cancel; its code sees CancelledFailure and may clean up. */
  cancel(reason?: string): Promise<void> {
    return this.resend({ ...this.ref, reason, identity: this.deps.identity, requestId: randomUUID() }, (r) => this.deps.engine.requestCancelWorkflow(r));
  }

  /** Ends the workflow at once; no workflow code runs. */
  terminate(reason?: string): Promise<void> {
    return this.resend({ ...this.ref, reason, identity: this.deps.identity, requestId: randomUUID() }, (r) => this.deps.engine.terminateWorkflow(r));
  }
}
