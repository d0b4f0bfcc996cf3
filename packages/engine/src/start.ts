import { randomUUID } from 'node:crypto';
import { ApiError, type HistoryEvent, type StartWorkflowRequest, type StartWorkflowResponse, type WorkflowStatus } from '@endure/protocol';
import { CurrentRunConflictError, type WorkflowRecord } from '@endure/storage';
import type { EngineCore } from './engine-core.js';
import { Run } from './run.js';
import { newRunState } from './run-state.js';
import { signalRun, terminateRun } from './lifecycle.js';

const FAILED_LIKE: ReadonlySet<WorkflowStatus> = new Set(['FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT']);

/** Serializes starts per workflow id so policies see a stable current run. */
const idLocks = new Map<string, Promise<unknown>>();
async function withIdLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = idLocks.get(key) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(fn);
  idLocks.set(key, next);
  try {
    return await next;
  } finally {
    if (idLocks.get(key) === next) idLocks.delete(key);
  }
}

function alreadyStarted(req: StartWorkflowRequest, runId: string, why: string): ApiError {
  return new ApiError('ALREADY_STARTED', `workflow id '${req.workflowId}' ${why} (run ${runId}); ${
    why.includes('running')
      ? "pick another workflowId, or set workflowIdConflictPolicy to 'USE_EXISTING' or 'TERMINATE_EXISTING'"
      : "pick another workflowId, or change workflowIdReusePolicy"
  }`, { workflowId: req.workflowId, runId });
}

export async function startWorkflow(core: EngineCore, req: StartWorkflowRequest): Promise<StartWorkflowResponse> {
  core.check();
  core.checkPayloads('workflow input', req.input);
  return withIdLock(`${req.namespace}\u0000${req.workflowId}`, async () => {
    const current = await core.store.getCurrentRun(req.namespace, req.workflowId);
    if (current && req.requestId && (JSON.parse(current.state) as { requestId?: string }).requestId === req.requestId) {
      return { runId: current.runId, started: true }; // a retried start of the same request
    }
    if (current?.status === 'RUNNING' && req.signalName) {
      // signalWithStart: a running run just gets the signal.
      await signalRun(core, await core.mustLoad(current), req.signalName, req.signalInput ?? [], req.identity);
      return { runId: current.runId, started: false };
    }
    if (current?.status === 'RUNNING') {
      const conflict = req.workflowIdConflictPolicy ?? (req.workflowIdReusePolicy === 'TERMINATE_IF_RUNNING' ? 'TERMINATE_EXISTING' : 'FAIL');
      if (conflict === 'USE_EXISTING') return { runId: current.runId, started: false };
      if (conflict === 'FAIL') throw alreadyStarted(req, current.runId, 'is already running');
      const run = await core.mustLoad(current);
      await terminateRun(core, run, 'terminated by a new start (TERMINATE_EXISTING)');
    } else if (current) {
      const reuse = req.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
      if (reuse === 'REJECT_DUPLICATE') throw alreadyStarted(req, current.runId, `already ran and closed as ${current.status}, and workflowIdReusePolicy is REJECT_DUPLICATE`);
      if (reuse === 'ALLOW_DUPLICATE_FAILED_ONLY' && !FAILED_LIKE.has(current.status)) {
        throw alreadyStarted(req, current.runId, `already completed successfully, and workflowIdReusePolicy is ALLOW_DUPLICATE_FAILED_ONLY`);
      }
    }
    return { runId: await createRun(core, req, current?.runId ?? null), started: true };
  });
}

async function createRun(core: EngineCore, req: StartWorkflowRequest, expectedCurrentRunId: string | null): Promise<string> {
  const now = core.now();
  const runId = randomUUID();
  const taskTimeout = req.workflowTaskTimeoutMs ?? 10_000;
  const state = newRunState(taskTimeout, req.requestId);
  const record: WorkflowRecord = {
    namespace: req.namespace,
    workflowId: req.workflowId,
    runId,
    workflowType: req.workflowType,
    taskQueue: req.taskQueue,
    status: 'RUNNING',
    startTime: now,
    closeTime: null,
    nextEventId: 2,
    state: JSON.stringify(state),
  };
  const run = new Run(record, state);
  const executionExpirationTime = req.workflowExecutionTimeoutMs ? now + req.workflowExecutionTimeoutMs : undefined;
  const started = {
    eventId: 1,
    eventTime: now,
    type: 'WorkflowExecutionStarted' as const,
    attributes: {
      workflowType: req.workflowType,
      taskQueue: req.taskQueue,
      input: req.input,
      firstRunId: runId,
      attempt: 1,
      randomnessSeed: randomUUID(),
      workflowExecutionTimeoutMs: req.workflowExecutionTimeoutMs,
      workflowRunTimeoutMs: req.workflowRunTimeoutMs,
      workflowTaskTimeoutMs: taskTimeout,
      executionExpirationTime,
      identity: req.identity,
    },
  };
  const events: HistoryEvent[] = [started];
  if (req.signalName) {
    core.checkPayloads(`the arguments of signal '${req.signalName}'`, req.signalInput ?? []);
    events.push({ eventId: 2, eventTime: now, type: 'WorkflowExecutionSignaled', attributes: { signalName: req.signalName, input: req.signalInput ?? [], identity: req.identity } });
  }
  record.nextEventId = events.length + 1;
  record.state = JSON.stringify(state);
  run.tail = [...events];
  const timers = [];
  if (req.workflowRunTimeoutMs) timers.push(core.timerRow(run, 'run-timeout', now + req.workflowRunTimeoutMs));
  if (executionExpirationTime) timers.push(core.timerRow(run, 'execution-timeout', executionExpirationTime));
  const task = core.wftRow(run, now);
  // In memory from the moment the write is issued, so no load can build a second copy of it;
  // its first task is offered at once too (tasks never wait for commits, acknowledgements do).
  // The compare-and-set cannot fail here: this engine owns the store and starts of one id are
  // serialized above, so the task's completion is never queued behind a refused create.
  const created = core.store.createWorkflow({ record, events, tasks: [task], timers, expectedCurrentRunId });
  core.adopt(run, created);
  core.offerAt(task);
  try {
    await created;
  } catch (err) {
    core.forget(run);
    if (err instanceof CurrentRunConflictError) {
      throw new ApiError('ALREADY_STARTED', `workflow id '${req.workflowId}' was started concurrently (run ${err.currentRunId ?? '?'})`);
    }
    core.fail(err);
    throw err;
  }
  for (const t of timers) core.armTimer(t);
  return runId;
}
