import { randomUUID } from 'node:crypto';
import { retryWhileUnavailable, type EngineApi, type HistoryEvent } from '@endure/protocol';
import { toPayloads, CancelledFailure, TerminatedFailure, TimeoutFailure, decodeFailure, fromPayloads, checkOptions, type PayloadConverter } from '@endure/common';
import { WorkflowContinuedAsNewError, WorkflowFailedError, translateError } from './errors.js';
import { WorkflowUpdateHandle, outcome, sendUpdate, type UpdateRef } from './update-handle.js';
import { WORKFLOW_START_UPDATE_OPTIONS, WORKFLOW_UPDATE_OPTIONS, updateStage, type WorkflowStartUpdateOptions, type WorkflowUpdateOptions } from './handle-options.js';
import { describeRun, type WorkflowExecutionDescription } from './describe.js';
import { rejectQuery, type QueryRejectCondition } from './query-reject.js';
import type { WorkflowClient } from './workflow-client.js';

/** A signal as the client names it: a definition shared with the workflow code, or its name. */
export type SignalRef<Args extends unknown[] = unknown[]> = string | { type: 'signal'; name: string; __args?: Args };
export type QueryRef<Ret = unknown, Args extends unknown[] = unknown[]> = string | { type: 'query'; name: string; __args?: Args; __ret?: Ret };

export interface HandleDeps {
  engine: EngineApi;
  namespace: string;
  converter: PayloadConverter;
  identity: string;
  client: WorkflowClient;
  queryRejectCondition: QueryRejectCondition;
}

/** Which run(s) a handle acts on, and where its result() begins. */
export interface HandleTarget {
  workflowId: string;
  /** Bound to this run; undefined: the latest run of the id. */
  runId?: string;
  /** Without a runId: cancel, terminate and update act only on the chain this run started. */
  firstExecutionRunId?: string;
  /** The run result() starts from (a start's own run); default runId, then firstExecutionRunId. */
  runIdForResult?: string;
  /** result() follows continue-as-new and cron successors. */
  followRuns: boolean;
}

/**
 * A reference to one workflow. A handle from start() is not bound to a run (as in Temporal): its
 * signals, queries and describe() reach the latest run, cancel and terminate the latest run of the
 * chain it started, and result() follows that chain from its first run.
 */
export class WorkflowHandle<R = unknown> {
  readonly workflowId: string;
  /** The run this handle is bound to (getHandle with a runId); undefined means the latest run of the id. */
  readonly runId: string | undefined;
  /** The first run of the chain this handle acts on (set by start and by getHandle's firstExecutionRunId). */
  readonly firstExecutionRunId: string | undefined;
  private readonly runIdForResult: string | undefined;
  private readonly followRuns: boolean;

  constructor(
    private readonly deps: HandleDeps,
    target: HandleTarget,
  ) {
    this.workflowId = target.workflowId;
    this.runId = target.runId;
    this.firstExecutionRunId = target.firstExecutionRunId;
    this.runIdForResult = target.runIdForResult ?? target.runId ?? target.firstExecutionRunId;
    this.followRuns = target.followRuns;
  }

  /** The WorkflowClient this handle came from. */
  get client(): WorkflowClient {
    return this.deps.client;
  }

  private get ref() {
    return { namespace: this.deps.namespace, workflowId: this.workflowId, runId: this.runId };
  }

  /** The ref for changes that stay within the handle's chain. */
  private get chainRef() {
    return { ...this.ref, ...(this.runId === undefined && this.firstExecutionRunId ? { firstExecutionRunId: this.firstExecutionRunId } : {}) };
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
  private resend<Q extends { requestId: string }>(req: Q, send: (req: Q) => Promise<void>): Promise<void> {
    return this.call(() => retryWhileUnavailable(() => send(req)));
  }

  /**
   * Waits for the workflow to close; resolves with its result or rejects with WorkflowFailedError.
   * A run that continued as new, or whose cron schedule started the next run, is followed to the
   * end of the chain (unless followRuns is false).
   */
  async result(): Promise<R> {
    let runId = this.runIdForResult;
    for (;;) {
      // A server restarting meanwhile is waited out (as a gRPC client's retry policy would).
      const r = await this.call(() => retryWhileUnavailable(() => this.deps.engine.getResult({ namespace: this.deps.namespace, workflowId: this.workflowId, runId, timeoutMs: 60_000 })));
      const e = r.closeEvent;
      if (!e) continue;
      if (e.type === 'WorkflowExecutionContinuedAsNew') {
        if (!this.followRuns) throw new WorkflowContinuedAsNewError('Workflow execution continued as new', e.attributes.newRunId);
        runId = e.attributes.newRunId;
        continue;
      }
      const next = 'newRunId' in e.attributes ? e.attributes.newRunId : undefined;
      if (next && this.followRuns) {
        runId = next;
        continue;
      }
      return this.outcome(e);
    }
  }

  private outcome(e: HistoryEvent): R {
    const c = this.deps.converter;
    switch (e.type) {
      case 'WorkflowExecutionCompleted':
        return (e.attributes.result ? c.fromPayload(e.attributes.result) : undefined) as R;
      // Retry states as Temporal's server reports them for a workflow without a retry policy
      // (Endure never retries workflows): a failure or a run timeout "no policy", an execution timeout TIMEOUT.
      case 'WorkflowExecutionFailed':
        throw new WorkflowFailedError('Workflow execution failed', decodeFailure(e.attributes.failure, c), 'RETRY_POLICY_NOT_SET');
      case 'WorkflowExecutionCanceled':
        throw new WorkflowFailedError('Workflow execution cancelled', new CancelledFailure('Workflow cancelled', fromPayloads(c, e.attributes.details)), 'CANCEL_REQUESTED');
      case 'WorkflowExecutionTerminated':
        throw new WorkflowFailedError('Workflow execution terminated', new TerminatedFailure(e.attributes.reason ?? 'Workflow terminated'), 'NON_RETRYABLE_FAILURE');
      case 'WorkflowExecutionTimedOut':
        throw new WorkflowFailedError(
          'Workflow execution timed out',
          new TimeoutFailure(`workflow ${e.attributes.timeoutType.toLowerCase()} timeout`, undefined, 'START_TO_CLOSE'),
          e.attributes.timeoutType === 'RUN' ? 'RETRY_POLICY_NOT_SET' : 'TIMEOUT',
        );
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
    const condition = this.deps.queryRejectCondition;
    if (condition && condition !== 'NONE') rejectQuery(condition, (await this.call(() => this.deps.engine.describeWorkflow(this.ref))).status);
    const r = await this.call(() => this.deps.engine.queryWorkflow({ ...this.ref, queryType, args: payloads }));
    return (r.result ? this.deps.converter.fromPayload(r.result) : undefined) as Ret;
  }

  /** Runs an update and returns its result (or throws WorkflowUpdateFailedError). */
  async executeUpdate<Ret = unknown, Args extends unknown[] = unknown[]>(def: UpdateRef<Ret, Args>, options: WorkflowUpdateOptions<Args> = {}): Promise<Ret> {
    checkOptions('handle.executeUpdate', 'WorkflowUpdateOptions', options, WORKFLOW_UPDATE_OPTIONS);
    const { response } = await sendUpdate(this.deps, this.chainRef, def, options, 'COMPLETED');
    return outcome<Ret>(this.deps, response);
  }

  /** Sends an update and returns once it is accepted (or rejected), or completed: result() waits for the outcome. */
  async startUpdate<Ret = unknown, Args extends unknown[] = unknown[]>(def: UpdateRef<Ret, Args>, options: WorkflowStartUpdateOptions<Args> = {}): Promise<WorkflowUpdateHandle<Ret>> {
    checkOptions('handle.startUpdate', 'WorkflowStartUpdateOptions', options, WORKFLOW_START_UPDATE_OPTIONS);
    const { handle } = await sendUpdate(this.deps, this.chainRef, def, options, updateStage('handle.startUpdate', options.waitForStage));
    return handle as WorkflowUpdateHandle<Ret>;
  }

  /** A handle to an update sent earlier, by its id. */
  getUpdateHandle<Ret = unknown>(updateId: string): WorkflowUpdateHandle<Ret> {
    return new WorkflowUpdateHandle<Ret>(this.deps, updateId, this.workflowId, this.runId);
  }

  /** The run as Temporal describes it (status, times, memo, search attributes), plus what it waits on. */
  async describe(): Promise<WorkflowExecutionDescription> {
    const d = await this.call(() => this.deps.engine.describeWorkflow(this.ref));
    return describeRun(this.deps.converter, d);
  }

  /** The run's full event history. */
  async fetchHistory(): Promise<{ events: HistoryEvent[] }> {
    const r = await this.call(() => this.deps.engine.getHistory(this.ref));
    return { events: r.events };
  }

  /** Asks the workflow to cancel; its code sees CancelledFailure and may clean up. */
  cancel(reason?: string): Promise<void> {
    return this.resend({ ...this.chainRef, reason, identity: this.deps.identity, requestId: randomUUID() }, (r) => this.deps.engine.requestCancelWorkflow(r));
  }

  /** Ends the workflow at once; no workflow code runs. */
  terminate(reason?: string): Promise<void> {
    return this.resend({ ...this.chainRef, reason, identity: this.deps.identity, requestId: randomUUID() }, (r) => this.deps.engine.terminateWorkflow(r));
  }
}
