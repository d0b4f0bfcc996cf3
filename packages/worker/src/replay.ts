import type { HistoryEvent } from '@endure/protocol';
import { bundleWorkflowCode, type WorkflowBundle } from './bundler.js';
import { WorkflowThreads } from './workflow-threads.js';
import { DefaultLogger } from './logger.js';

/** Replaying a history with the current code did something other than what history recorded. */
export class DeterminismViolationError extends Error {
  override name = 'DeterminismViolationError';
}

/** The workflow code threw while replaying (a bug, not necessarily a determinism problem). */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

export interface ReplayOptions {
  workflowsPath?: string;
  workflowBundle?: WorkflowBundle;
}

/**
 * Replays a recorded history against workflow code, with no engine: throws
 * DeterminismViolationError if the code no longer produces the recorded commands. The code runs
 * on a workflow thread, as in a Worker, so a workflow that spins fails as a deadlock instead of
 * taking the caller's process down.
 */
export async function runReplayHistory(opts: ReplayOptions, history: { events: HistoryEvent[] } | HistoryEvent[], workflowId = 'replay'): Promise<void> {
  const events = Array.isArray(history) ? history : history.events;
  const started = events[0];
  if (!started || started.type !== 'WorkflowExecutionStarted') {
    throw new TypeError('runReplayHistory: history must start with a WorkflowExecutionStarted event');
  }
  const bundle = opts.workflowBundle ?? (opts.workflowsPath ? await bundleWorkflowCode({ workflowsPath: opts.workflowsPath }) : undefined);
  if (!bundle) throw new TypeError('runReplayHistory: give workflowsPath or workflowBundle');
  const threads = await WorkflowThreads.start({
    bundle,
    threads: 1,
    maxCachedWorkflows: 0,
    logger: new DefaultLogger('ERROR'),
    suggestContinueAsNewAt: { events: 10_000, bytes: 10 * 1024 * 1024 },
  });
  try {
    const run = { namespace: 'default', workflowId, runId: started.attributes.firstRunId, lastEventId: events[events.length - 1]!.eventId };
    const outcome = await threads.activate({ ...run, events }, events[events.length - 1]!.eventTime);
    if ('needHistory' in outcome || outcome.ok) return;
    if (outcome.nondeterminism) throw new DeterminismViolationError(outcome.failure.message);
    throw new ReplayError(`workflow code failed while replaying: ${outcome.failure.message}`);
  } finally {
    await threads.close();
  }
}
