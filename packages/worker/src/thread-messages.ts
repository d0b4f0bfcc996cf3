import type { HistoryEvent, Payload, QueryResult } from '@endure/protocol';
import type { TaskOutcome } from '@endure/core';

/** The part of a workflow task the thread needs (no token: the thread never talks to the engine). */
export interface ThreadTask {
  namespace: string;
  workflowId: string;
  runId: string;
  events: HistoryEvent[];
  lastEventId: number;
  /** Update requests for the live activation. */
  updates?: { updateId: string; name: string; args: Payload[] }[];
}

export type ToThread =
  /** `watch`: shared [activation id running (0 = none), its start time in ms] for the watchdog. */
  | { type: 'init'; bundleCode: string; runtimeCode: string; maxCachedWorkflows: number; watch: SharedArrayBuffer; suggestContinueAsNewAt: { events: number; bytes: number } }
  | { type: 'activate'; id: number; task: ThreadTask; now: number }
  /** `events`: the full history, when the thread asked for it. */
  | { type: 'query'; id: number; task: ThreadTask; queryType: string; args: Payload[] }
  | { type: 'batch'; items: ToThread[] }
  | { type: 'evict'; runId: string }
  /** A local activity of the run's live activation finished: record it and let the code go on. */
  | { type: 'resolveLocal'; id: number; runId: string; seq: number; attempt: number; result?: Payload; failure?: import('@endure/protocol').Failure };

export type FromThread =
  | { type: 'ready' }
  | { type: 'initError'; message: string }
  /** `needHistory`: the thread has no cached state for this run; resend with the full history. */
  | { type: 'result'; id: number; outcome: TaskOutcome | { needHistory: true }; cached: number }
  | { type: 'queryResult'; id: number; outcome: QueryResult | { needHistory: true } }
  | { type: 'log'; level: string; message: string; attrs: Record<string, unknown> }
  | { type: 'cached'; cached: number }
  | { type: 'batch'; items: FromThread[] };
