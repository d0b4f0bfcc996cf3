import type { Payload } from './payload.js';
import type { Failure } from './failure.js';

/** Facts about a run that workflow code can read through workflowInfo(). */
export interface WorkflowInfo {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  attempt: number;
  startTime: number;
  runStartTime: number;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  taskTimeoutMs: number;
  executionExpirationTime?: number;
  continuedFromExecutionRunId?: string;
  historyLength: number;
  memo?: Record<string, Payload>;
  searchAttributes?: Record<string, Payload>;
  cronSchedule?: string;
  /** A cron run: how long it waited for its scheduled time. */
  cronScheduleToScheduleInterval?: number;
  /** A cron run: the result of the chain's last completed run, and the previous run's failure. */
  lastCompletionResult?: Payload;
  lastFailure?: Failure;
}

export type ActivityResolution =
  | { status: 'completed'; result?: Payload }
  | { status: 'failed'; failure: Failure }
  | { status: 'cancelled'; details?: Payload[] };

/** One thing that happened to a workflow, delivered to its code in an activation. */
export type Job =
  | { type: 'startWorkflow'; workflowType: string; args: Payload[]; info: WorkflowInfo; randomnessSeed: string }
  | { type: 'resolveActivity'; seq: number; resolution: ActivityResolution }
  | { type: 'fireTimer'; seq: number }
  | { type: 'cancelWorkflow'; reason?: string }
  | { type: 'signalWorkflow'; signalName: string; args: Payload[] }
  | { type: 'resolveLocalActivity'; seq: number; result?: Payload; failure?: Failure }
  | { type: 'resolveChildStart'; seq: number; runId?: string; failedCause?: string }
  | { type: 'resolveChild'; seq: number; status: 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT'; result?: Payload; failure?: Failure }
  | { type: 'resolveExternal'; seq: number; failure?: Failure }
  /** An update to run: validated first when live (`validate`), straight to its handler on replay. */
  | { type: 'doUpdate'; updateId: string; name: string; args: Payload[]; validate: boolean }
  /** Replay only: history holds a marker for this patch, so patched(id) is true here. */
  | { type: 'notifyHasPatch'; patchId: string };

/** The answer to a query: its result, or why it failed. */
export type QueryResult = { ok: true; result?: Payload } | { ok: false; failure: Failure };

/** The outcome of running one activation of workflow code. */
export type ActivationResult =
  | { ok: true; commands: import('./commands.js').Command[] }
  | { ok: false; failure: Failure };
