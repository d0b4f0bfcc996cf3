import type { WorkflowInfo } from '@endure/protocol';
import { activator } from './current.js';
import { uuid4From } from './random.js';
import { decodeFailure } from '@endure/common';

export interface WorkflowInfoView extends Omit<WorkflowInfo, 'memo' | 'searchAttributes' | 'lastCompletionResult' | 'lastFailure'> {
  memo: Record<string, unknown>;
  searchAttributes: Record<string, unknown>;
  /** A cron run: the result of the chain's last run that completed. */
  lastResult?: unknown;
  /** A cron run: the failure of the run before, if it failed or timed out. */
  lastFailure?: Error;
  /** Bytes of history so far (approximate: the size of its events as JSON). */
  historySize: number;
  /** True once history is long enough that the workflow should continueAsNew(). */
  continueAsNewSuggested: boolean;
  unsafe: { isReplaying: boolean; now(): number };
}

/** Facts about the running workflow (id, run id, type, task queue, attempt, history length...). */
export function workflowInfo(): WorkflowInfoView {
  const a = activator('workflowInfo()');
  const decode = (m: Record<string, import('@endure/protocol').Payload> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, a.converter.fromPayload(v)]));
  const { lastCompletionResult, lastFailure, ...info } = a.info;
  return {
    ...info,
    memo: decode(a.info.memo),
    searchAttributes: decode(a.info.searchAttributes),
    ...(lastCompletionResult && { lastResult: a.converter.fromPayload(lastCompletionResult) }),
    ...(lastFailure && { lastFailure: decodeFailure(lastFailure, a.converter) }),
    historySize: a.historySize,
    continueAsNewSuggested: a.continueAsNewSuggested,
    unsafe: { isReplaying: a.replaying, now: () => Date.now() },
  };
}

/** A UUID that is the same on every replay of this point in the workflow. */
export function uuid4(): string {
  return uuid4From(activator('uuid4()').random);
}

type Attrs = Record<string, unknown>;

function emit(level: string, message: string, attrs?: Attrs): void {
  const a = activator('log');
  if (a.replaying) return; // already logged when the activation first ran
  a.host.log(level, message, {
    ...attrs,
    namespace: a.info?.namespace,
    workflowId: a.info?.workflowId,
    runId: a.info?.runId,
    workflowType: a.info?.workflowType,
  });
}

/** The workflow logger: each line carries the workflow's ids, and replays do not repeat lines. */
export const log = {
  trace: (m: string, a?: Attrs) => emit('TRACE', m, a),
  debug: (m: string, a?: Attrs) => emit('DEBUG', m, a),
  info: (m: string, a?: Attrs) => emit('INFO', m, a),
  warn: (m: string, a?: Attrs) => emit('WARN', m, a),
  error: (m: string, a?: Attrs) => emit('ERROR', m, a),
};
