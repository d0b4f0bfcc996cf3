import { checkOptions } from '@endure/common';
import type { HistoryEvent } from '@endure/protocol';
import { loadWorkflowBundle } from './bundler.js';
import { WorkflowThreads } from './workflow-threads.js';
import { DefaultLogger } from './logger.js';
import { checkBundleAndConverter, DEFAULT_SUGGEST_CONTINUE_AS_NEW, replayOptionTable } from './options.js';
import type { ReplayWorkerOptions } from './worker-options.js';

/** Replaying a history with the current code did something other than what history recorded. */
export class DeterminismViolationError extends Error {
  override name = 'DeterminismViolationError';
}

/** The workflow code threw while replaying (a bug, not necessarily a determinism problem). */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** @deprecated The old name of ReplayWorkerOptions. */
export type ReplayOptions = ReplayWorkerOptions;

export type ReplayHistory = { events: HistoryEvent[] } | HistoryEvent[];

/** One history of runReplayHistories: `workflowId` is what workflowInfo().workflowId says while it replays. */
export interface ReplayHistoryInput {
  workflowId: string;
  history: ReplayHistory;
}

/** The outcome of one history: `error` is a DeterminismViolationError or a ReplayError, or absent. */
export interface ReplayResult {
  workflowId: string;
  runId: string;
  error?: DeterminismViolationError | ReplayError;
}

function eventsOf(history: ReplayHistory): HistoryEvent[] {
  const events = Array.isArray(history) ? history : (history as { events?: unknown })?.events;
  if (!Array.isArray(events)) throw new TypeError('runReplayHistory: a history is { events: [...] } (as handle.fetchHistory() returns it) or an array of events');
  const started = events[0] as HistoryEvent | undefined;
  if (!started || started.type !== 'WorkflowExecutionStarted') {
    throw new TypeError('runReplayHistory: history must start with a WorkflowExecutionStarted event');
  }
  return events as HistoryEvent[];
}

function checkReplayOptions(where: string, opts: ReplayWorkerOptions): void {
  if (!opts || typeof opts !== 'object') throw new TypeError(`${where}(options, …): options are required, e.g. { workflowsPath }`);
  checkOptions(where, 'ReplayWorkerOptions', opts, replayOptionTable);
  checkBundleAndConverter(where, opts);
  if (opts.workflowsPath && opts.workflowBundle) throw new TypeError(`${where}: give either workflowsPath or workflowBundle, not both`);
}

async function replayThreads(where: string, opts: ReplayWorkerOptions): Promise<WorkflowThreads> {
  checkReplayOptions(where, opts);
  const bundle = await loadWorkflowBundle(where, opts);
  if (!bundle) throw new TypeError(`${where}: give workflowsPath or workflowBundle`);
  return WorkflowThreads.start({ bundle, threads: 1, maxCachedWorkflows: 0, logger: new DefaultLogger('ERROR'), suggestContinueAsNewAt: DEFAULT_SUGGEST_CONTINUE_AS_NEW });
}

async function replayOne(threads: WorkflowThreads, events: HistoryEvent[], workflowId: string): Promise<ReplayResult> {
  const started = events[0] as Extract<HistoryEvent, { type: 'WorkflowExecutionStarted' }>;
  const last = events[events.length - 1]!;
  const run = { namespace: 'default', workflowId, runId: started.attributes.firstRunId, lastEventId: last.eventId };
  const outcome = await threads.activate({ ...run, events }, last.eventTime);
  if ('needHistory' in outcome || outcome.ok) return { workflowId, runId: run.runId };
  const error = outcome.nondeterminism ? new DeterminismViolationError(outcome.failure.message) : new ReplayError(`workflow code failed while replaying: ${outcome.failure.message}`);
  return { workflowId, runId: run.runId, error };
}

/**
 * Replays a recorded history against workflow code, with no engine: throws
 * DeterminismViolationError if the code no longer produces the recorded commands. The code runs
 * on a workflow thread, as in a Worker, so a workflow that spins fails as a deadlock instead of
 * taking the caller's process down.
 */
export async function runReplayHistory(opts: ReplayWorkerOptions, history: ReplayHistory, workflowId = 'replay'): Promise<void> {
  checkReplayOptions('Worker.runReplayHistory', opts);
  const events = eventsOf(history);
  const threads = await replayThreads('Worker.runReplayHistory', opts);
  try {
    const { error } = await replayOne(threads, events, workflowId);
    if (error) throw error;
  } finally {
    await threads.close();
  }
}

/**
 * Replays many histories with one bundle and one workflow thread, yielding each one's outcome
 * (an error is yielded, not thrown, so one bad history does not hide the others).
 */
export async function* runReplayHistories(opts: ReplayWorkerOptions, histories: Iterable<ReplayHistoryInput> | AsyncIterable<ReplayHistoryInput>): AsyncGenerator<ReplayResult> {
  const threads = await replayThreads('Worker.runReplayHistories', opts);
  try {
    for await (const { workflowId, history } of histories) yield await replayOne(threads, eventsOf(history), workflowId);
  } finally {
    await threads.close();
  }
}
