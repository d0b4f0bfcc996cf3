import type { Failure, HistoryEvent, Payload, SearchAttributeValue } from '@endure/protocol';
import type { CreateWorkflow, RunProperties, TaskRow, TimerRow, WorkflowRecord } from '@endure/storage';
import type { EngineCore } from './engine-core.js';
import { Run } from './run.js';
import { newRunState } from './run-state.js';
import { encodeRunState } from './run-state-codec.js';

export interface NewRunParams {
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: Payload[];
  workflowExecutionTimeoutMs?: number;
  workflowRunTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  identity?: string;
  requestId?: string;
  signal?: { signalName: string; input: Payload[] };
  memo?: Record<string, Payload>;
  searchAttributes?: Record<string, Payload>;
  /** The same search attributes typed for the store's index (see indexSearchAttributes). */
  indexedSearchAttributes?: Record<string, SearchAttributeValue>;
  /** A child run: its parent, told when it closes (carried along a continue-as-new chain). */
  parent?: { namespace: string; workflowId: string; runId: string; seq: number };
  /** Continue-as-new: the chain this run joins. */
  chain?: { firstRunId: string; continuedFromRunId: string; executionExpirationTime?: number };
  cronSchedule?: string;
  /** The first workflow task waits until `at`: the cron schedule's next time, or the end of a start delay. */
  firstTaskAt?: { at: number; by: 'cron' | 'startDelay' };
  /** A cron run: the last completed run's result, and the previous run's failure. */
  lastCompletionResult?: Payload;
  continuedFailure?: Failure;
}

export interface PreparedRun {
  run: Run;
  create: CreateWorkflow;
  /** The first workflow task, unless it waits for a durable timer (a delayed start). */
  task: TaskRow | undefined;
  timers: TimerRow[];
}

/** Builds a new run — record, first events, first task, timeouts — ready to be written. */
export function prepareRun(core: EngineCore, p: NewRunParams, expectedCurrentRunId: string | null): PreparedRun {
  const now = core.now();
  const runId = core.newId();
  const taskTimeout = p.workflowTaskTimeoutMs ?? 10_000;
  const delay = p.firstTaskAt && p.firstTaskAt.at > now ? { ms: p.firstTaskAt.at - now, by: p.firstTaskAt.by } : undefined;
  // Timeouts count from when the run's code may start, not from the start call (as in Temporal).
  const begins = now + (delay?.ms ?? 0);
  const executionExpirationTime = p.chain ? p.chain.executionExpirationTime : p.workflowExecutionTimeoutMs ? begins + p.workflowExecutionTimeoutMs : undefined;
  const state = newRunState(taskTimeout, p.requestId);
  state.firstRunId = p.chain?.firstRunId ?? runId;
  state.executionExpirationTime = executionExpirationTime;
  state.workflowRunTimeoutMs = p.workflowRunTimeoutMs;
  state.parent = p.parent;
  state.cronSchedule = p.cronSchedule;
  if (delay) {
    state.wft = { status: 'delayed', attempt: 1 };
    state.delayedBy = delay.by;
    state.executionTime = begins;
  }
  const properties: RunProperties = { memo: p.memo, searchAttributes: p.searchAttributes };
  const hasProperties = p.memo !== undefined || p.searchAttributes !== undefined;
  const events: HistoryEvent[] = [
    {
      eventId: 1,
      eventTime: now,
      type: 'WorkflowExecutionStarted',
      attributes: {
        workflowType: p.workflowType,
        taskQueue: p.taskQueue,
        input: p.input,
        firstRunId: state.firstRunId,
        attempt: 1,
        randomnessSeed: core.newId(),
        workflowExecutionTimeoutMs: p.workflowExecutionTimeoutMs,
        workflowRunTimeoutMs: p.workflowRunTimeoutMs,
        workflowTaskTimeoutMs: taskTimeout,
        executionExpirationTime,
        continuedFromRunId: p.chain?.continuedFromRunId,
        identity: p.identity,
        memo: p.memo,
        searchAttributes: p.searchAttributes,
        cronSchedule: p.cronSchedule,
        firstWorkflowTaskBackoffMs: delay?.ms,
        lastCompletionResult: p.lastCompletionResult,
        continuedFailure: p.continuedFailure,
      },
    },
  ];
  if (p.signal) {
    events.push({ eventId: 2, eventTime: now, type: 'WorkflowExecutionSignaled', attributes: { signalName: p.signal.signalName, input: p.signal.input, identity: p.identity } });
  }
  const record: WorkflowRecord = {
    namespace: p.namespace,
    workflowId: p.workflowId,
    runId,
    workflowType: p.workflowType,
    taskQueue: p.taskQueue,
    status: 'RUNNING',
    startTime: now,
    closeTime: null,
    nextEventId: events.length + 1,
    state: encodeRunState(state),
    ...(p.indexedSearchAttributes && { searchAttributes: p.indexedSearchAttributes }),
    ...(hasProperties && { properties }),
  };
  const run = new Run(record, state, properties);
  run.tail = [...events];
  if (p.cronSchedule && events[0]!.type === 'WorkflowExecutionStarted') run.startAttributes = events[0]!.attributes;
  const timers: TimerRow[] = [];
  if (p.workflowRunTimeoutMs) timers.push(core.timerRow(run, { kind: 'runTimeout' }, begins + p.workflowRunTimeoutMs));
  if (executionExpirationTime) timers.push(core.timerRow(run, { kind: 'executionTimeout' }, executionExpirationTime));
  // A delayed run's first task is offered by a durable timer, so a restart neither loses the
  // wait nor cuts it short (stored workflow tasks are offered at once after a restart).
  if (delay) timers.push(core.timerRow(run, { kind: 'delayedStart' }, begins));
  const task = delay ? undefined : core.wftRow(run, now);
  return { run, create: { record, events, tasks: task ? [task] : [], timers, expectedCurrentRunId }, task, timers };
}
