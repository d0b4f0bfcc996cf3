import { randomUUID } from 'node:crypto';
import { retryWhileUnavailable, type EngineApi } from '@endure/protocol';
import { checkOptions, toPayloads, UnsupportedOperationError, type WorkflowIdConflictPolicy } from '@endure/common';
import type { Connection } from './connection.js';
import { WorkflowHandle, type HandleDeps, type SignalRef } from './workflow-handle.js';
import type { UpdateRef, WorkflowUpdateHandle } from './update-handle.js';
import { translateError } from './errors.js';
import { listWorkflows, type AsyncWorkflowListIterable } from './workflow-list.js';
import { serviceCall } from './service-call.js';
import { deadlineMs, withCallContext } from './call-context.js';
import { checkQueryRejectCondition, loadClientOptions, WORKFLOW_CLIENT_OPTIONS, type ClientDeps, type DataConverter, type WorkflowClientOptions } from './client-options.js';
import type { QueryRejectCondition } from './query-reject.js';
import { startRequest, WORKFLOW_OPTIONS, WORKFLOW_SIGNAL_WITH_START_OPTIONS, type WorkflowSignalWithStartOptions, type WorkflowStartOptions } from './workflow-options.js';
import {
  GET_WORKFLOW_HANDLE_OPTIONS,
  START_UPDATE_WITH_START_OPTIONS,
  UPDATE_WITH_START_OPTIONS,
  WORKFLOW_RESULT_OPTIONS,
  updateStage,
  type GetWorkflowHandleOptions,
  type ListOptions,
  type StartUpdateWithStartOptions,
  type UpdateWithStartOptions,
  type WorkflowResultOptions,
} from './handle-options.js';

type WorkflowFn = (...args: never[]) => Promise<unknown>;
type ArgsOf<T> = T extends (...args: infer A) => unknown ? A : unknown[];
type ResultOf<T> = T extends (...args: never[]) => Promise<infer R> ? R : unknown;
type StartOptionsFor<T> = WorkflowStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[]>;
type HandleFor<T> = WorkflowHandle<T extends WorkflowFn ? ResultOf<T> : unknown>;

/**
 * How long a start waits for an unreachable server (restarting, or flapping) before it fails: as
 * long as signals, updates and results wait. The start is resent with its request id, so it
 * lands once however many tries it takes.
 */
const START_RETRY_MS = 60_000;

const NO_GRPC = 'Endure has no gRPC WorkflowService; use client.workflow, client.operator and client.taskQueue (or the HTTP API of `endure server`)';

/** The options a WorkflowClient was made with, defaults applied (Temporal's client.workflow.options). */
export interface LoadedWorkflowClientOptions {
  connection: Connection;
  namespace: string;
  identity: string;
  dataConverter: DataConverter;
  queryRejectCondition: QueryRejectCondition;
}

/** A handle from start(): also names the run it started. */
export type WorkflowHandleWithFirstExecutionRunId<R = unknown> = WorkflowHandle<R> & { readonly firstExecutionRunId: string };
/** A handle from signalWithStart(): also names the run that got the signal. */
export type WorkflowHandleWithSignaledRunId<R = unknown> = WorkflowHandle<R> & { readonly signaledRunId: string };

function workflowTypeOf(where: string, workflow: WorkflowFn | string): string {
  const t = typeof workflow === 'string' ? workflow : typeof workflow === 'function' ? workflow.name : undefined;
  if (!t) throw new TypeError(`${where}: pass a named workflow function or the workflow type name as a string`);
  return t;
}

/** Starts workflows and gets handles to them (`client.workflow`; `new WorkflowClient({ connection })` works too). */
export class WorkflowClient {
  readonly options: LoadedWorkflowClientOptions;
  private readonly deps: ClientDeps;

  constructor(options?: WorkflowClientOptions) {
    this.deps = loadClientOptions('new WorkflowClient', 'WorkflowClientOptions', options, WORKFLOW_CLIENT_OPTIONS);
    const { connection, namespace, identity, dataConverter } = this.deps;
    this.options = { connection, namespace, identity, dataConverter, queryRejectCondition: checkQueryRejectCondition('new WorkflowClient', options?.queryRejectCondition) };
  }

  get connection(): Connection {
    return this.deps.connection;
  }

  private get engine(): EngineApi {
    return this.deps.engine;
  }

  /** Not supported: there is no gRPC service behind Endure. */
  get workflowService(): never {
    throw new UnsupportedOperationError('client.workflow.workflowService', NO_GRPC);
  }

  private handleDeps(): HandleDeps {
    const { engine, namespace, converter, identity } = this.deps;
    return { engine, namespace, converter, identity, client: this, queryRejectCondition: this.options.queryRejectCondition };
  }

  private async startRun(where: string, workflowType: string, options: WorkflowStartOptions, signal?: { signalName: string; signalInput: ReturnType<typeof toPayloads> }): Promise<string> {
    const req = { ...startRequest(where, workflowType, options, { ...this.deps, requestId: randomUUID() }), ...signal };
    try {
      // One request id for every try: a start that reached a server before it restarted is
      // found again (the same run), never started twice.
      return (await retryWhileUnavailable(() => this.engine.startWorkflow(req), START_RETRY_MS)).runId;
    } catch (err) {
      throw translateError(err, { workflowId: options.workflowId, workflowType });
    }
  }

  /** Starts a workflow. The handle is not bound to a run: it follows the chain this start began. */
  async start<T extends WorkflowFn | string>(workflow: T, options: StartOptionsFor<T>): Promise<WorkflowHandleWithFirstExecutionRunId<T extends WorkflowFn ? ResultOf<T> : unknown>> {
    const where = 'client.workflow.start';
    const workflowType = workflowTypeOf(where, workflow);
    checkOptions(where, 'WorkflowOptions', options, WORKFLOW_OPTIONS);
    const runId = await this.startRun(where, workflowType, options as WorkflowStartOptions);
    return new WorkflowHandle(this.handleDeps(), { workflowId: options.workflowId, firstExecutionRunId: runId, followRuns: options.followRuns ?? true }) as WorkflowHandleWithFirstExecutionRunId<T extends WorkflowFn ? ResultOf<T> : unknown>;
  }

  /**
   * Signals the workflow with this id, starting it first if it is not running (the signal is then
   * the new run's first event after its start). A running run is signalled unless
   * workflowIdConflictPolicy says FAIL or TERMINATE_EXISTING.
   */
  async signalWithStart<T extends WorkflowFn | string, SA extends unknown[] = unknown[]>(
    workflow: T,
    options: WorkflowSignalWithStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[], SA>,
  ): Promise<WorkflowHandleWithSignaledRunId<T extends WorkflowFn ? ResultOf<T> : unknown>> {
    const where = 'client.workflow.signalWithStart';
    const workflowType = workflowTypeOf(where, workflow);
    checkOptions(where, 'WorkflowSignalWithStartOptions', options, WORKFLOW_SIGNAL_WITH_START_OPTIONS);
    if (!options.signal) throw new TypeError(`${where}: options.signal is required (a defineSignal() definition or a name)`);
    const signalName = typeof options.signal === 'string' ? options.signal : options.signal.name;
    const signalInput = toPayloads(this.deps.converter, (options.signalArgs ?? []) as unknown[], `signal '${signalName}' argument`);
    const { signal: _s, signalArgs: _a, ...start } = options;
    const runId = await this.startRun(where, workflowType, start as WorkflowStartOptions, { signalName, signalInput });
    const handle = new WorkflowHandle(this.handleDeps(), { workflowId: options.workflowId, runIdForResult: runId, followRuns: options.followRuns ?? true });
    return Object.assign(handle, { signaledRunId: runId }) as WorkflowHandleWithSignaledRunId<T extends WorkflowFn ? ResultOf<T> : unknown>;
  }

  /**
   * Runs an update on a workflow, starting the workflow first if it is not running (as its
   * workflowIdConflictPolicy says, which update-with-start requires). The workflow's handle is
   * available from the operation afterwards: `await startWorkflowOperation.workflowHandle()`.
   */
  async executeUpdateWithStart<Ret = unknown, Args extends unknown[] = unknown[]>(def: UpdateRef<Ret, Args>, options: UpdateWithStartOptions<Args>): Promise<Ret> {
    checkOptions('client.workflow.executeUpdateWithStart', 'UpdateWithStartOptions', options, UPDATE_WITH_START_OPTIONS);
    const handle = await this.updateWithStart('client.workflow.executeUpdateWithStart', options.startWorkflowOperation);
    return handle.executeUpdate<Ret, Args>(def, { args: options.args, updateId: options.updateId });
  }

  /** As executeUpdateWithStart, but returns once the update reached `waitForStage` (ACCEPTED or COMPLETED). */
  async startUpdateWithStart<Ret = unknown, Args extends unknown[] = unknown[]>(def: UpdateRef<Ret, Args>, options: StartUpdateWithStartOptions<Args>): Promise<WorkflowUpdateHandle<Ret>> {
    const where = 'client.workflow.startUpdateWithStart';
    checkOptions(where, 'StartUpdateWithStartOptions', options, START_UPDATE_WITH_START_OPTIONS);
    const handle = await this.updateWithStart(where, options.startWorkflowOperation);
    return handle.startUpdate<Ret, Args>(def, { args: options.args, updateId: options.updateId, waitForStage: updateStage(where, options.waitForStage) });
  }

  private async updateWithStart(where: string, op: WithStartWorkflowOperation): Promise<WorkflowHandle> {
    if (!(op instanceof WithStartWorkflowOperation)) throw new TypeError(`${where}: startWorkflowOperation must be a new WithStartWorkflowOperation(workflow, options)`);
    try {
      const handle = await this.start(op.workflow, op.take(where));
      op.resolve(handle);
      return handle;
    } catch (err) {
      op.reject(err);
      throw err;
    }
  }

  /** Starts a workflow and waits for its result (following its chain, unless followRuns is false). */
  async execute<T extends WorkflowFn | string>(workflow: T, options: StartOptionsFor<T>): Promise<T extends WorkflowFn ? ResultOf<T> : unknown> {
    const handle = await this.start(workflow, options);
    return handle.result() as Promise<T extends WorkflowFn ? ResultOf<T> : unknown>;
  }

  /** The result of a workflow (its latest run, or `runId`), following its chain unless followRuns is false. */
  async result<R = unknown>(workflowId: string, runId?: string, options?: WorkflowResultOptions): Promise<R> {
    checkOptions('client.workflow.result', 'WorkflowResultOptions', options, WORKFLOW_RESULT_OPTIONS);
    return new WorkflowHandle<R>(this.handleDeps(), { workflowId, runId, followRuns: options?.followRuns ?? true }).result();
  }

  /**
   * A handle to an existing workflow: its latest run, the run `runId`, or (options.firstExecutionRunId)
   * the latest run of the chain that run started. Nothing is checked until the handle is used.
   */
  getHandle<R = unknown>(workflowId: string, runId?: string, options?: GetWorkflowHandleOptions): WorkflowHandle<R> {
    checkOptions('client.workflow.getHandle', 'GetWorkflowHandleOptions', options, GET_WORKFLOW_HANDLE_OPTIONS);
    if (typeof workflowId !== 'string' || !workflowId) throw new TypeError('client.workflow.getHandle: pass the workflow id');
    return new WorkflowHandle<R>(this.handleDeps(), { workflowId, runId, firstExecutionRunId: options?.firstExecutionRunId, followRuns: options?.followRuns ?? true });
  }

  /** Runs matching `options.query` (newest start first); pages are fetched as iteration needs them. */
  list(options: ListOptions = {}): AsyncWorkflowListIterable {
    const { engine, namespace, converter } = this.deps;
    return listWorkflows({ engine, namespace, converter }, options);
  }

  /** How many runs match `query` (all runs of the namespace without one). */
  async count(query?: string): Promise<{ count: number; groups: { count: number; groupValues: unknown[] }[] }> {
    const r = await serviceCall(() => this.engine.countWorkflows({ namespace: this.deps.namespace, query }));
    return { count: r.count, groups: [] };
  }

  /** Engine calls made in `fn` fail with ServiceError DEADLINE_EXCEEDED once `deadline` (a Date or epoch ms) passes. */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ deadline: deadlineMs(deadline, 'withDeadline') }, fn);
  }

  /** Engine calls made in `fn` fail with ServiceError CANCELLED once `signal` aborts. */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ signal }, fn);
  }

  /** Not supported: Endure's requests carry no gRPC metadata. */
  withMetadata<R>(_metadata: Record<string, unknown>, _fn: () => Promise<R>): Promise<R> {
    throw new UnsupportedOperationError('client.workflow.withMetadata', 'Endure requests carry no gRPC metadata; authenticate with Connection.connect({ apiKey })');
  }
}

/** The start half of update-with-start (Temporal's WithStartWorkflowOperation). */
export class WithStartWorkflowOperation<T extends WorkflowFn | string = WorkflowFn | string> {
  private used = false;
  private readonly handlePromise: Promise<HandleFor<T>>;
  resolve!: (h: WorkflowHandle) => void;
  reject!: (err: unknown) => void;

  constructor(
    readonly workflow: T,
    readonly options: StartOptionsFor<T> & { workflowIdConflictPolicy: WorkflowIdConflictPolicy },
  ) {
    const where = 'new WithStartWorkflowOperation';
    checkOptions(where, 'WorkflowOptions', options, WORKFLOW_OPTIONS);
    if (!options?.workflowIdConflictPolicy) {
      throw new TypeError(`${where}: options.workflowIdConflictPolicy is required for update-with-start (as in Temporal): USE_EXISTING to update a running workflow, FAIL to refuse one`);
    }
    if (options.cronSchedule !== undefined || options.startDelay !== undefined) {
      throw new TypeError(`${where}: update-with-start cannot use ${options.cronSchedule !== undefined ? 'cronSchedule' : 'startDelay'} (as in Temporal): the update needs the workflow running`);
    }
    this.handlePromise = new Promise<HandleFor<T>>((resolve, reject) => {
      this.resolve = resolve as (h: WorkflowHandle) => void;
      this.reject = reject;
    });
    this.handlePromise.catch(() => {}); // observed through workflowHandle()
  }

  static create<T extends WorkflowFn | string>(workflow: T, options: StartOptionsFor<T> & { workflowIdConflictPolicy: WorkflowIdConflictPolicy }): WithStartWorkflowOperation<T> {
    return new WithStartWorkflowOperation(workflow, options);
  }

  /** Marks the operation used (an operation runs once, as in Temporal) and returns its start options. */
  take(where: string): WorkflowStartOptions {
    if (this.used) throw new TypeError(`${where}: this WithStartWorkflowOperation was already executed; create a new one`);
    this.used = true;
    return this.options as WorkflowStartOptions;
  }

  workflowHandle(): Promise<HandleFor<T>> {
    return this.handlePromise;
  }
}

export type { SignalRef };
