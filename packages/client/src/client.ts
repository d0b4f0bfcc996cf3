import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { retryWhileUnavailable, type EngineApi, type Payload, type StartWorkflowRequest } from '@endure/protocol';
import { defaultPayloadConverter, optionalMs, toPayloads, type Duration, type PayloadConverter } from '@endure/common';
import type { Connection } from './connection.js';
import { WorkflowHandle, type SignalRef } from './workflow-handle.js';
import type { UpdateRef } from './update-handle.js';
import { AsyncCompletionClient } from './activity-client.js';
import { translateError } from './errors.js';
import type { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from './policies.js';
import { listWorkflows, type AsyncWorkflowListIterable, type ListOptions } from './workflow-list.js';
import { serviceCall } from './service-call.js';
import { OperatorClient } from './operator-client.js';
import { TaskQueueClient } from './task-queue-client.js';

export interface ClientOptions {
  connection: Connection;
  namespace?: string;
  dataConverter?: { payloadConverter?: PayloadConverter };
  identity?: string;
}

type WorkflowFn = (...args: never[]) => Promise<unknown>;
type ArgsOf<T> = T extends (...args: infer A) => unknown ? A : unknown[];
type ResultOf<T> = T extends (...args: never[]) => Promise<infer R> ? R : unknown;

export interface WorkflowStartOptions<A extends unknown[] = unknown[]> {
  taskQueue: string;
  workflowId: string;
  args?: A;
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** Free-form facts about the workflow, shown by describe(). */
  memo?: Record<string, unknown>;
  /** Indexed facts the list API filters on (names: letters, digits and _). */
  searchAttributes?: Record<string, unknown>;
}

/**
 * How long a start waits for an unreachable server (restarting, or flapping) before it fails: as
 * long as signals, updates and results wait. The start is resent with its request id, so it
 * lands once however many tries it takes.
 */
const START_RETRY_MS = 60_000;

/** Starts workflows and gets handles to them. */

export class WorkflowClient {
  constructor(
    private readonly engine: EngineApi,
    private readonly namespace: string,
    private readonly converter: PayloadConverter,
    private readonly identity: string,
  ) {}

  private deps() {
    return { engine: this.engine, namespace: this.namespace, converter: this.converter, identity: this.identity };
  }

  async start<T extends WorkflowFn | string>(
    workflow: T,
    options: WorkflowStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[]>,
    signal?: { signalName: string; signalInput: Payload[] },
  ): Promise<WorkflowHandle<T extends WorkflowFn ? ResultOf<T> : unknown>> {
    const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
    if (!workflowType) throw new TypeError('workflow.start: pass a named workflow function or the workflow type name as a string');
    if (!options || typeof options.taskQueue !== 'string' || !options.taskQueue) {
      throw new TypeError('workflow.start: options.taskQueue is required (the task queue your Worker polls)');
    }
    if (typeof options.workflowId !== 'string' || !options.workflowId) {
      throw new TypeError('workflow.start: options.workflowId is required (a business id such as "order-1234")');
    }
    const input = toPayloads(this.converter, (options.args ?? []) as unknown[], `workflow '${workflowType}' argument`);
    try {
      // One request id for every try: a start that reached a server before it restarted is
      // found again (the same run), never started twice.
      const req: StartWorkflowRequest = {
        namespace: this.namespace,
        workflowId: options.workflowId,
        workflowType,
        taskQueue: options.taskQueue,
        input,
        workflowIdReusePolicy: options.workflowIdReusePolicy,
        workflowIdConflictPolicy: options.workflowIdConflictPolicy,
        workflowExecutionTimeoutMs: optionalMs(options.workflowExecutionTimeout, 'workflowExecutionTimeout'),
        workflowRunTimeoutMs: optionalMs(options.workflowRunTimeout, 'workflowRunTimeout'),
        workflowTaskTimeoutMs: optionalMs(options.workflowTaskTimeout, 'workflowTaskTimeout'),
        identity: this.identity,
        requestId: randomUUID(),
        memo: this.encodeMap(options.memo, 'memo'),
        searchAttributes: this.encodeMap(options.searchAttributes, 'searchAttributes'),
        ...signal,
      };
      const r = await retryWhileUnavailable(() => this.engine.startWorkflow(req), START_RETRY_MS);
      return new WorkflowHandle(this.deps(), options.workflowId, r.runId);
    } catch (err) {
      throw translateError(err, { workflowId: options.workflowId, workflowType });
    }
  }

  /**
   * Signals the workflow with this id, starting it first if it is not running: the signal is
   * then the new run's first event after its start.
   */
  async signalWithStart<T extends WorkflowFn | string, SA extends unknown[] = unknown[]>(
    workflow: T,
    options: WorkflowStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[]> & { signal: SignalRef<SA>; signalArgs?: SA },
  ): Promise<WorkflowHandle<T extends WorkflowFn ? ResultOf<T> : unknown>> {
    if (!options?.signal) throw new TypeError('workflow.signalWithStart: options.signal is required (a defineSignal() definition or a name)');
    const signalName = typeof options.signal === 'string' ? options.signal : options.signal.name;
    const signalInput = toPayloads(this.converter, (options.signalArgs ?? []) as unknown[], `signal '${signalName}' argument`);
    return this.start(workflow, options, { signalName, signalInput });
  }

  /**
   * Runs an update on a workflow, starting the workflow first if it is not running (the start
   * uses workflowIdConflictPolicy USE_EXISTING). The handle of the workflow is available from
   * the operation afterwards: `await startWorkflowOperation.workflowHandle()`.
   */
  async executeUpdateWithStart<Ret = unknown, Args extends unknown[] = unknown[]>(
    def: UpdateRef<Ret, Args>,
    opts: { args?: Args; updateId?: string; startWorkflowOperation: WithStartWorkflowOperation },
  ): Promise<Ret> {
    const op = opts.startWorkflowOperation;
    if (!(op instanceof WithStartWorkflowOperation)) throw new TypeError('executeUpdateWithStart: startWorkflowOperation must come from WithStartWorkflowOperation.create()');
    const handle = await this.start(op.workflow, { workflowIdConflictPolicy: 'USE_EXISTING', ...op.options } as WorkflowStartOptions);
    op.resolve(handle);
    return handle.executeUpdate<Ret, Args>(def, { args: opts.args, updateId: opts.updateId });
  }

  private encodeMap(values: Record<string, unknown> | undefined, what: string): Record<string, Payload> | undefined {
    if (!values) return undefined;
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toPayloads(this.converter, [v], `${what}.${k}`)[0]!]));
  }

  /** Starts a workflow and waits for its result. */
  async execute<T extends WorkflowFn | string>(workflow: T, options: WorkflowStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[]>): Promise<T extends WorkflowFn ? ResultOf<T> : unknown> {
    const handle = await this.start(workflow, options);
    return handle.result();
  }

  getHandle<R = unknown>(workflowId: string, runId?: string): WorkflowHandle<R> {
    return new WorkflowHandle<R>(this.deps(), workflowId, runId);
  }

  /** Runs matching `options.query` (newest start first); pages are fetched as iteration needs them. */
  list(options: ListOptions = {}): AsyncWorkflowListIterable {
    return listWorkflows(this.deps(), options);
  }

  /** How many runs match `query` (all runs of the namespace without one). */
  async count(query?: string): Promise<{ count: number; groups: { count: number; groupValues: unknown[] }[] }> {
    const r = await serviceCall(() => this.engine.countWorkflows({ namespace: this.namespace, query }));
    return { count: r.count, groups: [] };
  }
}

/** The start half of executeUpdateWithStart (Temporal's WithStartWorkflowOperation). */
export class WithStartWorkflowOperation {
  private handlePromise: Promise<WorkflowHandle>;
  resolve!: (h: WorkflowHandle) => void;
  private constructor(
    readonly workflow: WorkflowFn | string,
    readonly options: WorkflowStartOptions,
  ) {
    this.handlePromise = new Promise((r) => (this.resolve = r));
  }
  static create<T extends WorkflowFn | string>(workflow: T, options: WorkflowStartOptions<T extends WorkflowFn ? ArgsOf<T> : unknown[]>): WithStartWorkflowOperation {
    return new WithStartWorkflowOperation(workflow, options as WorkflowStartOptions);
  }
  workflowHandle(): Promise<WorkflowHandle> {
    return this.handlePromise;
  }
}

/** The entry point for application code: `new Client({ connection }).workflow.start(...)`. */
export class Client {
  readonly workflow: WorkflowClient;
  /** Async completion of activities (by task token or ids). */
  readonly activity: AsyncCompletionClient;
  /** Namespaces and search attributes. */
  readonly operator: OperatorClient;
  /** Task queue inspection (pollers, backlog). */
  readonly taskQueue: TaskQueueClient;
  readonly connection: Connection;
  readonly namespace: string;

  constructor(opts: ClientOptions) {
    if (!opts?.connection) throw new TypeError('new Client({ connection }): connection is required; create one with Connection.connect()');
    this.connection = opts.connection;
    this.namespace = opts.namespace ?? 'default';
    const identity = opts.identity ?? `${process.pid}@${hostname()}`;
    const converter = opts.dataConverter?.payloadConverter ?? defaultPayloadConverter;
    this.workflow = new WorkflowClient(opts.connection.engine, this.namespace, converter, identity);
    this.activity = new AsyncCompletionClient(opts.connection.engine, this.namespace, converter, identity);
    this.operator = new OperatorClient(opts.connection.engine, this.namespace);
    this.taskQueue = new TaskQueueClient(opts.connection.engine, this.namespace);
  }
}
