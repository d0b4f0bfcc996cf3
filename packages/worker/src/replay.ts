import type { HistoryEvent } from '@endure/protocol';
import { WorkflowReplayer } from '@endure/core';
import { bundleWorkflowCode, type WorkflowBundle } from './bundler.js';
import { SandboxRealm } from './sandbox.js';
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
 * DeterminismViolationError if the code no longer produces the recorded commands.
 */
export async function runReplayHistory(opts: ReplayOptions, history: { events: HistoryEvent[] } | HistoryEvent[], workflowId = 'replay'): Promise<void> {
  const events = Array.isArray(history) ? history : history.events;
  if (!events.length || events[0]!.type !== 'WorkflowExecutionStarted') {
    throw new TypeError('runReplayHistory: history must start with a WorkflowExecutionStarted event');
  }
  const bundle = opts.workflowBundle ?? (opts.workflowsPath ? await bundleWorkflowCode({ workflowsPath: opts.workflowsPath }) : undefined);
  if (!bundle) throw new TypeError('runReplayHistory: give workflowsPath or workflowBundle');
  const realm = await SandboxRealm.create(bundle, { logger: new DefaultLogger('ERROR') });
  const started = events[0]!;
  const runId = started.type === 'WorkflowExecutionStarted' ? started.attributes.firstRunId : 'replay';
  const replayer = new WorkflowReplayer(realm.instantiate(), { namespace: 'default', workflowId, runId });
  const lastTime = events[events.length - 1]!.eventTime;
  const outcome = replayer.advance(events, lastTime);
  if (outcome.ok) return;
  if (outcome.nondeterminism) throw new DeterminismViolationError(outcome.failure.message);
  throw new ReplayError(`workflow code failed while replaying: ${outcome.failure.message}`);
}
