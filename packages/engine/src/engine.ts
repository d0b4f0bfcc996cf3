import {
  ApiError,
  type CancelActivityTaskRequest,
  type CancelWorkflowRequest,
  type CompleteActivityTaskRequest,
  type CompleteWorkflowTaskRequest,
  type ExecutionRef,
  type FailActivityTaskRequest,
  type FailWorkflowTaskRequest,
  type GetHistoryRequest,
  type GetResultRequest,
  type HeartbeatActivityTaskRequest,
  type HeartbeatWorkflowTaskRequest,
  type PollRequest,
  type PollTasksRequest,
  type PollActivityTasksResponse,
  type PollWorkflowTasksResponse,
  type QueryWorkflowRequest,
  type RespondQueryTaskRequest,
  type SignalWorkflowRequest,
  type UpdateWorkflowRequest,
  type PollUpdateRequest,
  type ReleaseTaskRequest,
  type ActivityRef,
  type StartWorkflowRequest,
  type DescribeTaskQueueRequest,
  type ListWorkflowsRequest,
  type CountWorkflowsRequest,
  type RegisterNamespaceRequest,
  type NamespaceRef,
  type AddSearchAttributesRequest,
  SYSTEM_SEARCH_ATTRIBUTES,
  type CountWorkflowsResponse,
  type DescribeTaskQueueResponse,
  type ListNamespacesResponse,
  type ListSearchAttributesResponse,
  type ListWorkflowsResponse,
  type RotateTokenKeyResponse,
  type CreateApiKeyRequest,
  type RevokeApiKeyRequest,
  type ApiKeyInfo,
  type CreateApiKeyResponse,
  type ListApiKeysResponse,
  type DescribeClusterResponse,
  type NamespaceInfo,
  type ActivityTask,
  type EngineApi,
  type GetHistoryResponse,
  type GetResultResponse,
  type HeartbeatActivityTaskResponse,
  type QueryWorkflowResponse,
  type UpdateResponse,
  type StartWorkflowResponse,
  type WorkflowDescription,
  type WorkflowTask,
  type PeerApi,
} from '@endure/protocol';
import type { Fence, Store } from '@endure/storage';
import { alreadyApplied } from './request-ids.js';
import { EngineCore, type EngineHealth, type EngineOptions } from './engine-core.js';
import type { Run } from './run.js';
import type { TaskRef } from './matching.js';
import { startWorkflow } from './start.js';
import { requestCancel, signalRun, terminateRun } from './lifecycle.js';
import { queryRun, respondQueryTask } from './queries.js';
import { admitUpdate, waitForUpdate } from './updates.js';
import { taskQueuePolling } from './task-queue-polling.js';
import { fireTimer } from './fire-timer.js';
import { completeWorkflowTask, dispatchWorkflowTask, failWorkflowTask, heartbeatWorkflowTask, releaseWorkflowTask, retryBackedOffNow } from './workflow-tasks.js';
import {
  cancelActivityTask,
  completeActivityTask,
  dispatchActivityTask,
  failActivityTask,
  heartbeatActivityTask,
  releaseActivityTask,
} from './activity-tasks.js';
import { describeRun } from './describe.js';
import { refuseQueryWhileDelayed, refuseUpdateWhileDelayed } from './delayed-start.js';
import { namespaceInfo } from './namespaces.js';
import { countWorkflows, listWorkflows } from './visibility.js';
import { RetentionSweeper, type RetentionOptions } from './retention.js';
import { closeChild, recordChildClosed } from './run-actions.js';
import { adoptShards, dropShard } from './cluster/shard-handover.js';
import { describeCluster } from './cluster/describe-cluster.js';
import { peerCredential, verifyPeerCredential } from './cluster/peer-credential.js';

export interface EngineOpenOptions extends EngineOptions {
  /** How often closed runs past their namespace's retention are deleted, and in what batches. */
  retention?: RetentionOptions;
}

const DEFAULT_POLL_MS = 60_000;

/**
 * The engine: history, task queues and timers behind the EngineApi. Embedded mode calls it
 * in-process; server mode puts HTTP in front of the same object. Its methods take requests
 * already validated at the edge (the server; `validatingApi` for callers in this process), so
 * the schema checks are not repeated here; what only the engine can check (a token's
 * signature, a cron schedule, registered search attributes) it checks.
 */
export class Engine implements EngineApi, PeerApi {
  private readonly core: EngineCore;
  private readonly retention: RetentionSweeper;

  private constructor(store: Store, opts: EngineOpenOptions) {
    this.core = new EngineCore(store, opts);
    this.core.local = this;
    this.retention = new RetentionSweeper(this.core, opts.retention);
    this.core.onDurableTimer((run, timer) => fireTimer(this.core, run, timer));
    this.core.newPollerHook = (ns, q, kind) => {
      if (kind === 'workflow') retryBackedOffNow(this.core, ns, q);
    };
  }

  /** Opens an engine on a store and recovers its pending tasks and timers. */
  static async open(store: Store, opts: EngineOpenOptions = {}): Promise<Engine> {
    const e = new Engine(store, opts);
    await e.core.namespaces.load();
    await e.core.tokenKeys.load();
    await e.core.apiKeys.load();
    await e.core.recover();
    e.retention.start();
    return e;
  }

  private async resolveRun(ref: ExecutionRef): Promise<Run> {
    this.core.check();
    this.core.namespaces.get(ref.namespace);
    if (ref.runId) return this.core.mustLoad({ namespace: ref.namespace, workflowId: ref.workflowId, runId: ref.runId });
    const current = await this.core.store.getCurrentRun(ref.namespace, ref.workflowId);
    if (!current) throw new ApiError('NOT_FOUND', `workflow '${ref.workflowId}' not found in namespace '${ref.namespace}'`);
    return this.core.mustLoad(current);
  }

  /**
   * `firstExecutionRunId` without a runId: the call acts on the latest run only if it belongs to
   * the chain (continue-as-new, cron) that run started — not on a workflow started again since.
   */
  private async resolveChainRun(ref: ExecutionRef & { firstExecutionRunId?: string }): Promise<Run> {
    const run = await this.resolveRun(ref);
    const first = ref.firstExecutionRunId;
    if (!ref.runId && first && (run.state.firstRunId ?? run.record.runId) !== first) {
      throw new ApiError('NOT_FOUND', `workflow '${ref.workflowId}' has no run in the chain started by run ${first}: its latest run ${run.record.runId} belongs to a chain started since`);
    }
    return run;
  }

  async startWorkflow(req: StartWorkflowRequest): Promise<StartWorkflowResponse> {
    return startWorkflow(this.core, req);
  }

  async describeWorkflow(req: ExecutionRef): Promise<WorkflowDescription> {
    return describeRun(this.core, await this.resolveRun(req));
  }

  async getHistory(r: GetHistoryRequest): Promise<GetHistoryResponse> {
    const run = await this.resolveRun(r);
    const from = r.fromEventId ?? 1;
    let events = await this.core.readHistory(run.key, from);
    if (events.length === 0 && r.waitNewEvent && run.open && (await this.core.waitForEvent(run.key, r.timeoutMs ?? DEFAULT_POLL_MS))) {
      events = await this.core.readHistory(run.key, from);
    }
    return { runId: run.record.runId, events };
  }

  async getResult(r: GetResultRequest, signal?: AbortSignal): Promise<GetResultResponse> {
    const run = await this.resolveRun(r);
    const deadline = this.core.now() + (r.timeoutMs ?? DEFAULT_POLL_MS);
    while (run.open) {
      this.core.check(); // a failed or shut-down engine ends the wait
      this.core.checkHeld(run); // so does the run's shard moving to another node
      const left = deadline - this.core.now();
      if (left <= 0 || signal?.aborted) return { runId: run.record.runId };
      await this.core.waitForEvent(run.key, left, signal);
    }
    this.core.check();
    this.core.checkHeld(run);
    await run.lastCommit; // a result is only given once it is durable
    // A run this engine closed keeps its close event; one loaded closed reads it from the store.
    const closeEvent = run.closeEvent ?? this.core.closeEventOf(await this.core.readHistory(run.key, run.record.nextEventId - 1));
    return { runId: run.record.runId, closeEvent };
  }

  async requestCancelWorkflow(r: CancelWorkflowRequest): Promise<void> {
    const run = await this.resolveChainRun(r);
    if (alreadyApplied(run, r.requestId)) return run.lastCommit;
    if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${r.workflowId}' is already closed (${run.record.status})`);
    await requestCancel(this.core, run, r.reason, r.identity, r.requestId);
  }

  async signalWorkflow(r: SignalWorkflowRequest): Promise<void> {
    const run = await this.resolveRun(r);
    if (alreadyApplied(run, r.requestId)) return run.lastCommit;
    if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${r.workflowId}' is already closed (${run.record.status}): it cannot receive signal '${r.signalName}'`);
    await signalRun(this.core, run, r.signalName, r.input, r.identity, r.requestId);
  }

  async queryWorkflow(r: QueryWorkflowRequest): Promise<QueryWorkflowResponse> {
    const run = await this.resolveRun(r);
    refuseQueryWhileDelayed(run, r.queryType);
    return queryRun(this.core, run, r.queryType, r.args, r.timeoutMs ?? 10_000);
  }

  async updateWorkflow(r: UpdateWorkflowRequest, signal?: AbortSignal): Promise<UpdateResponse> {
    const run = await this.resolveChainRun(r);
    refuseUpdateWhileDelayed(run, r.updateName);
    await admitUpdate(this.core, run, r.updateId, r.updateName, r.args);
    return waitForUpdate(this.core, run, r.updateId, r.waitForStage ?? 'COMPLETED', r.timeoutMs ?? DEFAULT_POLL_MS, signal);
  }

  async pollUpdate(r: PollUpdateRequest, signal?: AbortSignal): Promise<UpdateResponse> {
    const run = await this.resolveRun(r);
    return waitForUpdate(this.core, run, r.updateId, r.waitForStage ?? 'COMPLETED', r.timeoutMs ?? DEFAULT_POLL_MS, signal);
  }

  async respondQueryTask(req: RespondQueryTaskRequest): Promise<void> {
    respondQueryTask(this.core, req);
  }

  async terminateWorkflow(r: CancelWorkflowRequest): Promise<void> {
    const run = await this.resolveChainRun(r);
    if (alreadyApplied(run, r.requestId)) return run.lastCommit;
    if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${r.workflowId}' is already closed (${run.record.status})`);
    await terminateRun(this.core, run, r.reason, r.identity, r.requestId);
  }

  /** Waits for tasks of `kind` and hands out up to maxTasks of them (none on timeout or abort). */
  private async poll<T>(r: PollTasksRequest, kind: TaskRef['kind'], signal: AbortSignal | undefined, dispatch: (ref: TaskRef) => Promise<T | null>): Promise<T[]> {
    this.core.check();
    this.core.namespaces.get(r.namespace);
    const deadline = this.core.now() + (r.timeoutMs ?? DEFAULT_POLL_MS);
    for (;;) {
      const left = deadline - this.core.now();
      if (left <= 0) return [];
      const refs = await this.core.matching.poll(r.namespace, r.taskQueue, kind, r.identity, left, signal, r.workerId, r.maxTasks);
      if (refs.length === 0) return [];
      // A ref whose task is no longer wanted (completed, timed out) dispatches as null.
      const tasks = await Promise.all(refs.map(dispatch));
      const wanted = tasks.filter((t): t is Awaited<T> & {} => t !== null);
      if (wanted.length > 0) return wanted;
    }
  }

  async pollWorkflowTask(r: PollRequest, signal?: AbortSignal): Promise<WorkflowTask | null> {
    const [task] = await this.poll({ ...r, maxTasks: 1 }, 'workflow', signal, (ref) => dispatchWorkflowTask(this.core, ref));
    return task ?? null;
  }

  async pollWorkflowTasks(r: PollTasksRequest, signal?: AbortSignal): Promise<PollWorkflowTasksResponse> {
    return { tasks: await this.poll(r, 'workflow', signal, (ref) => dispatchWorkflowTask(this.core, ref)) };
  }

  async completeWorkflowTask(req: CompleteWorkflowTaskRequest): Promise<void> {
    return completeWorkflowTask(this.core, req);
  }

  async heartbeatWorkflowTask(req: HeartbeatWorkflowTaskRequest): Promise<void> {
    return heartbeatWorkflowTask(this.core, req);
  }

  async failWorkflowTask(req: FailWorkflowTaskRequest): Promise<void> {
    return failWorkflowTask(this.core, req);
  }

  async pollActivityTask(r: PollRequest, signal?: AbortSignal): Promise<ActivityTask | null> {
    const [task] = await this.poll({ ...r, maxTasks: 1 }, 'activity', signal, (ref) => dispatchActivityTask(this.core, ref, r.identity));
    return task ?? null;
  }

  async pollActivityTasks(r: PollTasksRequest, signal?: AbortSignal): Promise<PollActivityTasksResponse> {
    return { tasks: await this.poll(r, 'activity', signal, (ref) => dispatchActivityTask(this.core, ref, r.identity)) };
  }

  async completeActivityTask(req: CompleteActivityTaskRequest): Promise<void> {
    return completeActivityTask(this.core, req);
  }

  async failActivityTask(req: FailActivityTaskRequest): Promise<void> {
    return failActivityTask(this.core, req);
  }

  async cancelActivityTask(req: CancelActivityTaskRequest): Promise<void> {
    return cancelActivityTask(this.core, req);
  }

  async heartbeatActivityTask(req: HeartbeatActivityTaskRequest): Promise<HeartbeatActivityTaskResponse> {
    return heartbeatActivityTask(this.core, req);
  }

  async releaseTask(req: { taskToken: string }): Promise<void> {
    const t = this.core.tokens.decode(req.taskToken);
    // A task handed out before a restart is not held by anyone here: nothing to release (its
    // dispatch number may even match a task handed out since).
    if (!t.fromThisInstance) return;
    const run = await this.core.load(t);
    if (!run?.open) return;
    if (t.kind === 'wft') releaseWorkflowTask(this.core, run, t);
    else releaseActivityTask(this.core, run, t);
  }

  async activityTaskToken(r: ActivityRef): Promise<{ taskToken: string }> {
    const run = await this.resolveRun(r);
    const a = Object.values(run.state.activities).find((x) => x.activityId === r.activityId);
    if (!run.open || !a) throw new ApiError('NOT_FOUND', `no running activity '${r.activityId}' in workflow '${r.workflowId}'`);
    return { taskToken: this.core.tokens.encode({ ...run.key, kind: 'activity', seq: a.seq, attempt: a.attempt, dispatchId: 0 }) };
  }

  /** Task-queue facts for describe: pollers seen and backlog. */
  async describeTaskQueue(r: DescribeTaskQueueRequest): Promise<DescribeTaskQueueResponse> {
    this.core.namespaces.get(r.namespace);
    return {
      workflow: this.core.matching.describe(r.namespace, r.taskQueue, 'workflow'),
      activity: this.core.matching.describe(r.namespace, r.taskQueue, 'activity'),
      polling: taskQueuePolling(this.core, r.namespace, r.taskQueue),
    };
  }

  async listWorkflows(r: ListWorkflowsRequest): Promise<ListWorkflowsResponse> {
    this.core.check();
    return listWorkflows(this.core, r);
  }

  async countWorkflows(r: CountWorkflowsRequest): Promise<CountWorkflowsResponse> {
    this.core.check();
    return countWorkflows(this.core, r);
  }

  async registerNamespace(r: RegisterNamespaceRequest): Promise<NamespaceInfo> {
    this.core.check();
    const info = await this.core.namespaces.register(r);
    this.retention.namespacesChanged();
    return info;
  }

  async describeNamespace(r: NamespaceRef): Promise<NamespaceInfo> {
    this.core.check();
    return namespaceInfo(this.core.namespaces.get(r.namespace));
  }

  async listNamespaces(_req: Record<string, never> = {}): Promise<ListNamespacesResponse> {
    this.core.check();
    return { namespaces: this.core.namespaces.all().map(namespaceInfo) };
  }

  async addSearchAttributes(r: AddSearchAttributesRequest): Promise<void> {
    this.core.check();
    await this.core.namespaces.addSearchAttributes(r.namespace, r.searchAttributes);
  }

  async listSearchAttributes(r: NamespaceRef): Promise<ListSearchAttributesResponse> {
    this.core.check();
    return { system: { ...SYSTEM_SEARCH_ATTRIBUTES }, custom: { ...this.core.namespaces.get(r.namespace).searchAttributes } };
  }

  async rotateTokenKey(_req: Record<string, never> = {}): Promise<RotateTokenKeyResponse> {
    this.core.check();
    return this.core.tokenKeys.rotate();
  }

  async createApiKey(r: CreateApiKeyRequest): Promise<CreateApiKeyResponse> {
    this.core.check();
    return this.core.apiKeys.create(r);
  }

  async listApiKeys(_req: Record<string, never> = {}): Promise<ListApiKeysResponse> {
    this.core.check();
    return { keys: this.core.apiKeys.list() };
  }

  async revokeApiKey(r: RevokeApiKeyRequest): Promise<void> {
    this.core.check();
    await this.core.apiKeys.revoke(r.keyId);
  }

  /**
   * Nodes and shard leases as the store records them. Judged on `waits`, the wall clock even
   * when `clock` is virtual (time skipping), as the store's lease times are; a simulator sets
   * both to its own.
   */
  async describeCluster(_req: Record<string, never> = {}): Promise<DescribeClusterResponse> {
    this.core.check();
    const shards = this.core.shards;
    return describeCluster(this.core.store, this.core.waits.now(), shards && { shardCount: shards.shardCount });
  }

  /**
   * The API key a server request presents, if it is a valid one (not an API operation: the
   * server calls it to authenticate each request; in memory, no I/O).
   */
  authenticateApiKey(presented: string): ApiKeyInfo | undefined {
    return this.core.apiKeys.authenticate(presented);
  }

  /**
   * Whether the engine takes work: 'failed' once a storage write failed (it then answers
   * everything UNAVAILABLE and only a restart recovers it), 'closed' after close(). For health
   * checks: a supervisor should restart a process whose engine failed.
   */
  health(): EngineHealth {
    return this.core.health();
  }

  // --- what other nodes of a cluster ask of this one's runs (run-actions.ts) ---

  async startChildWorkflow(r: Parameters<PeerApi['startChildWorkflow']>[0]): Promise<StartWorkflowResponse> {
    return startWorkflow(this.core, r.request, r.parent);
  }

  async recordChildClosed(r: Parameters<PeerApi['recordChildClosed']>[0]): Promise<{ done: boolean }> {
    this.core.check();
    return recordChildClosed(this.core, r);
  }

  async closeChild(r: Parameters<PeerApi['closeChild']>[0]): Promise<void> {
    this.core.check();
    return closeChild(this.core, r);
  }

  // --- shard ownership, for a cluster node (EngineOptions.cluster) ---

  /** What this node presents to the others of its cluster (peer-credential.ts). */
  peerCredential(): string {
    return peerCredential(this.core.tokenKeys);
  }

  /** Whether a request's credential is another node's of this cluster (see peerCredential). */
  isPeerCredential(presented: string): boolean {
    return verifyPeerCredential(this.core.tokenKeys, presented);
  }

  /**
   * Reads again what every node of a cluster shares and each holds in memory: namespaces, API keys
   * and the task-token keys. A node calls it every round, and at once when a request names one it
   * does not know (made on another node a moment ago).
   */
  async refreshSharedState(): Promise<void> {
    this.core.check();
    await this.core.namespaces.load();
    await this.core.tokenKeys.load();
    await this.core.apiKeys.load();
  }

  /** Starts owning these shards (their leases' fences): their stored tasks are offered, their near timers armed. */
  adoptShards(fences: Fence[]): Promise<void> {
    this.core.check();
    return adoptShards(this.core, fences);
  }

  /** Stops owning a shard; resolves once the writes it had in flight have settled (then its lease may be released). */
  dropShard(shardId: number): Promise<void> {
    return dropShard(this.core, shardId);
  }

  /** The shards this engine owns now (a cluster node), ascending; undefined for a single engine. */
  ownedShards(): number[] | undefined {
    return this.core.shards?.ids();
  }

  /** Stops dispatching and waits for issued writes to be durable. Does not close the store. */
  close(): Promise<void> {
    this.retention.close();
    return this.core.close();
  }
}
