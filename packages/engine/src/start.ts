import { ApiError, type StartWorkflowRequest, type StartWorkflowResponse, type WorkflowStatus } from '@endure/protocol';
import { CurrentRunConflictError } from '@endure/storage';
import type { EngineCore } from './engine-core.js';
import { prepareRun, type NewRunParams } from './new-run.js';
import { signalRun, terminateRun } from './lifecycle.js';
import { indexSearchAttributes } from './search-attributes.js';
import { alreadyApplied } from './request-ids.js';
import { cronSchedule } from './cron/cron-chain.js';
import { giveUpAfterStorageFailure } from './cluster/failed-writes.js';
import { clusterWriteError } from './cluster/write-error.js';

const FAILED_LIKE: ReadonlySet<WorkflowStatus> = new Set(['FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT']);

/** Serializes an engine's starts per workflow id so policies see a stable current run. */
async function withIdLock<T>(core: EngineCore, key: string, fn: () => Promise<T>): Promise<T> {
  const idLocks = core.startLocks;
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

/** Starts a run; `parent` makes it a child of that run (told when the child closes). */
export async function startWorkflow(
  core: EngineCore,
  req: StartWorkflowRequest,
  parent?: { namespace: string; workflowId: string; runId: string; seq: number },
): Promise<StartWorkflowResponse> {
  core.check();
  const ns = core.namespaces.get(req.namespace);
  core.checkPayloads('workflow input', req.input);
  core.checkPayloads('memo', Object.values(req.memo ?? {}));
  core.checkPayloads('search attributes', Object.values(req.searchAttributes ?? {}));
  const indexedSearchAttributes = req.searchAttributes && indexSearchAttributes(ns, req.searchAttributes);
  firstTaskAt(core, req); // refuses a bad cronSchedule before anything is decided
  return withIdLock(core, `${req.namespace}\u0000${req.workflowId}`, async () => {
    const stored = await core.store.getCurrentRun(req.namespace, req.workflowId);
    // Decide on the run as memory has it (memory is ahead of disk), with no await between the
    // decision and the write it makes: a run that closes meanwhile is never signalled after its
    // close, nor terminated twice.
    const current = stored ? await core.mustLoad(stored) : undefined;
    const currentRunId = current?.record.runId;
    if (current && req.requestId && current.state.requestId === req.requestId) {
      return { runId: current.record.runId, started: true }; // a retried start of the same request
    }
    if (current && alreadyApplied(current, req.requestId)) {
      await current.lastCommit;
      return { runId: current.record.runId, started: false }; // a resent signalWithStart that signalled
    }
    // signalWithStart: a running run just gets the signal, unless the conflict policy says otherwise (its default is USE_EXISTING).
    const conflictDefault = req.signalName ? 'USE_EXISTING' : 'FAIL';
    const conflict = req.workflowIdConflictPolicy ?? (req.workflowIdReusePolicy === 'TERMINATE_IF_RUNNING' ? 'TERMINATE_EXISTING' : conflictDefault);
    if (current?.open && req.signalName && conflict === 'USE_EXISTING') {
      await signalRun(core, current, req.signalName, req.signalInput ?? [], req.identity, req.requestId);
      return { runId: current.record.runId, started: false };
    }
    if (current?.open) {
      if (conflict === 'USE_EXISTING') return { runId: current.record.runId, started: false };
      if (conflict === 'FAIL') throw alreadyStarted(req, current.record.runId, 'is already running');
      await terminateRun(core, current, 'terminated by a new start (TERMINATE_EXISTING)');
    } else if (current) {
      const status = current.record.status;
      const reuse = req.workflowIdReusePolicy ?? 'ALLOW_DUPLICATE';
      if (reuse === 'REJECT_DUPLICATE') throw alreadyStarted(req, current.record.runId, `already ran and closed as ${status}, and workflowIdReusePolicy is REJECT_DUPLICATE`);
      if (reuse === 'ALLOW_DUPLICATE_FAILED_ONLY' && !FAILED_LIKE.has(status)) {
        throw alreadyStarted(req, current.record.runId, `already completed successfully, and workflowIdReusePolicy is ALLOW_DUPLICATE_FAILED_ONLY`);
      }
    }
    const first = firstTaskAt(core, req); // from now: the lock may have waited
    return { runId: await createRun(core, { ...req, indexedSearchAttributes, firstTaskAt: first }, currentRunId ?? null, parent), started: true };
  });
}

/** When the first workflow task may run: a cron schedule's first time, or the end of the start delay. */
function firstTaskAt(core: EngineCore, req: StartWorkflowRequest): NewRunParams['firstTaskAt'] {
  const now = core.now();
  if (req.cronSchedule === undefined) return req.startDelayMs ? { at: now + req.startDelayMs, by: 'startDelay' } : undefined;
  if (req.startDelayMs) throw new ApiError('INVALID_ARGUMENT', 'cronSchedule and startDelay cannot be used together (as in Temporal): a cron run already waits for its scheduled time');
  const at = cronSchedule(req.cronSchedule).next(now);
  if (at === undefined) throw new ApiError('INVALID_ARGUMENT', `cronSchedule '${req.cronSchedule}' never matches in the next 5 years (e.g. the 30th of February); fix the schedule`);
  return { at, by: 'cron' };
}

async function createRun(core: EngineCore, req: StartWorkflowRequest & Pick<NewRunParams, 'indexedSearchAttributes' | 'firstTaskAt'>, expectedCurrentRunId: string | null, parent?: { namespace: string; workflowId: string; runId: string; seq: number }): Promise<string> {
  if (req.signalName) core.checkPayloads(`the arguments of signal '${req.signalName}'`, req.signalInput ?? []);
  const { run, create, task, timers } = prepareRun(
    core,
    { ...req, parent, signal: req.signalName ? { signalName: req.signalName, input: req.signalInput ?? [] } : undefined },
    expectedCurrentRunId,
  );
  // In memory from the moment the write is issued, so no load can build a second copy of it;
  // its first task is offered at once too (tasks never wait for commits, acknowledgements do).
  // The compare-and-set cannot fail here: this engine owns the store and starts of one id are
  // serialized above, so the task's completion is never queued behind a refused create.
  const created = core.store.createWorkflow({ ...create, fence: core.fenceOf(run.key) });
  core.adopt(run, created);
  if (task) core.offerAt(task);
  try {
    await created;
  } catch (err) {
    core.forget(run);
    if (err instanceof CurrentRunConflictError) {
      throw new ApiError('ALREADY_STARTED', `workflow id '${req.workflowId}' was started concurrently (run ${err.currentRunId ?? '?'})`);
    }
    giveUpAfterStorageFailure(core, run.key, err);
    throw core.shards ? clusterWriteError(run.key, err) : err;
  }
  for (const t of timers) core.armTimer(t);
  return run.record.runId;
}
