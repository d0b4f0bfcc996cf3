// A cron chain: when a run with a cron schedule completes, fails or times out (its run timeout),
// the next run is created in the same atomic write as the close — the same input, waiting for the
// schedule's next time — so a crash can neither lose the next run nor start it twice. Cancelling
// or terminating a run ends the chain, as does the chain's execution timeout. A run waiting for
// its time is terminated at once, but a cancel request reaches it when it starts (like a signal):
// if its code then completes anyway, the chain goes on.
import { ApiError, type EventOf, type Failure, type Payload } from '@endure/protocol';
import type { EngineCore } from '../engine-core.js';
import type { Mutation, Run } from '../run.js';
import { prepareRun } from '../new-run.js';
import { indexSearchAttributes } from '../search-attributes.js';
import { CronScheduleError, parseCronSchedule, type CronSchedule } from './cron-schedule.js';

type StartAttributes = EventOf<'WorkflowExecutionStarted'>['attributes'];

/** How a cron run closed, as far as its successor needs to know. */
export type CronOutcome = { status: 'COMPLETED'; result?: Payload } | { status: 'FAILED'; failure: Failure } | { status: 'TIMED_OUT' };

const parsed = new Map<string, CronSchedule>();

/** The schedule of `text`; an invalid one is an INVALID_ARGUMENT naming cronSchedule. */
export function cronSchedule(text: string): CronSchedule {
  let s = parsed.get(text);
  if (!s) {
    try {
      s = parseCronSchedule(text);
    } catch (err) {
      throw err instanceof CronScheduleError ? new ApiError('INVALID_ARGUMENT', err.message) : err;
    }
    if (parsed.size > 1000) parsed.clear();
    parsed.set(text, s);
  }
  return s;
}

/**
 * The run's start attributes (its input, memo, last result), which the next run of a chain
 * repeats. History's first event never changes, so reading it before a transition's check is
 * safe; it is kept on the run afterwards.
 */
export async function loadStartAttributes(core: EngineCore, run: Run): Promise<void> {
  if (!run.state.cronSchedule || run.startAttributes) return;
  const [first] = await core.store.readHistory(run.key, 1, 1);
  if (first?.type === 'WorkflowExecutionStarted') run.startAttributes = first.attributes;
}

/**
 * If the closing run has a cron schedule, prepares the chain's next run in `m` (to be written with
 * the close) and returns the close event's `newRunId`. The caller must have called
 * loadStartAttributes first and must call closeRun after (closeRun sees `m.continueAsNew`).
 */
export function continueCronChain(core: EngineCore, run: Run, m: Mutation, outcome: CronOutcome): { newRunId?: string } {
  const text = run.state.cronSchedule;
  if (!text) return {};
  const start: StartAttributes | undefined = run.startAttributes;
  if (!start) throw new Error(`cron chain of ${run.record.workflowId}: the run's start attributes were not loaded`);
  const now = core.now();
  const next = cronSchedule(text).following(run.state.executionTime ?? run.record.startTime, now);
  const expiry = run.state.executionExpirationTime;
  if (next === undefined || (expiry !== undefined && next >= expiry)) return {};
  const r = run.record;
  const sa = start.searchAttributes;
  const prepared = prepareRun(
    core,
    {
      namespace: r.namespace,
      workflowId: r.workflowId,
      workflowType: r.workflowType,
      taskQueue: r.taskQueue,
      input: start.input,
      workflowRunTimeoutMs: run.state.workflowRunTimeoutMs,
      workflowTaskTimeoutMs: run.state.workflowTaskTimeoutMs,
      chain: { firstRunId: run.state.firstRunId ?? r.runId, continuedFromRunId: r.runId, executionExpirationTime: expiry },
      parent: run.state.parent,
      // Each run of the chain starts as the first did (Temporal repeats the start's memo and search attributes).
      memo: start.memo,
      searchAttributes: sa,
      indexedSearchAttributes: sa && indexSearchAttributes(core.namespaces.get(r.namespace), sa, true),
      cronSchedule: text,
      firstTaskAt: { at: next, by: 'cron' },
      lastCompletionResult: outcome.status === 'COMPLETED' ? outcome.result : start.lastCompletionResult,
      continuedFailure:
        outcome.status === 'FAILED' ? outcome.failure
        : outcome.status === 'TIMED_OUT' ? { message: 'workflow run timed out', info: { type: 'timeout', timeoutType: 'START_TO_CLOSE' } }
        : undefined,
    },
    r.runId,
  );
  m.continueAsNew = prepared;
  return { newRunId: prepared.run.record.runId };
}
