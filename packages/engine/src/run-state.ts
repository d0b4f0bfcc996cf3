import type { ActivityTimeouts, Failure, Payload, RetryPolicy } from '@endure/protocol';

/** An activity as the engine tracks it between schedule and outcome (durable part). */
export interface ActivityState {
  seq: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input: Payload[];
  timeouts: ActivityTimeouts;
  retryPolicy: RetryPolicy;
  scheduledTime: number;
  attempt: number;
  currentAttemptScheduledTime: number;
  lastFailure?: Failure;
  heartbeatDetails?: Payload[];
  cancelRequested?: boolean;
}

export interface ChildState {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: Payload[];
  parentClosePolicy: 'TERMINATE' | 'REQUEST_CANCEL' | 'ABANDON';
  status: 'initiated' | 'started';
  runId?: string;
  workflowExecutionTimeoutMs?: number;
  workflowRunTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
}

/** The workflow task's durable part; "started" lives only in memory (a crash re-offers it). */
export interface WorkflowTaskState {
  /** 'delayed': the run's first task waits for its start time (delayed-start.ts). */
  status: 'none' | 'scheduled' | 'backoff' | 'delayed';
  attempt: number;
  lastFailure?: Failure;
  nextAttemptTime?: number;
}

/**
 * The engine's durable per-run state, stored as JSON in the run record and rewritten at every
 * step. The run's memo and search attributes are not in it (Run.properties: they are written only
 * when they change); databases from before that move them out when they upgrade.
 */
export interface RunState {
  workflowTaskTimeoutMs: number;
  /** Highest input event id the workflow code has seen (the last recorded activation's sawUpTo). */
  lastSawUpTo: number;
  wft: WorkflowTaskState;
  activities: Record<string, ActivityState>;
  timers: Record<string, { fireAt: number }>;
  cancelRequested: boolean;
  /** The id of the start request that created the run (a resent start finds it). */
  requestId?: string;
  /** Ids of requests applied to this run recently, with when (request-ids.ts): resends are not applied twice. */
  requests?: Record<string, number>;
  /** A child run's parent, told when the child closes. */
  parent?: { namespace: string; workflowId: string; runId: string; seq: number };
  /** Children this run started (until they close): what to start, and what to do when the parent closes. */
  children?: Record<string, ChildState>;
  /** Signals and cancel requests to other workflows, until delivered. */
  externalRequests?: Record<string, { kind: 'signal' | 'cancel'; workflowId: string; runId?: string; signalName?: string; input?: Payload[] }>;
  /** Accepted updates (durable, for dedupe by id and for late callers): stage and outcome. */
  updates?: Record<string, { stage: 'ACCEPTED' | 'COMPLETED'; outcome?: { result?: Payload } | { failure: Failure } }>;
  /** The chain a continued-as-new run belongs to, and the limits that carry along it. */
  firstRunId?: string;
  executionExpirationTime?: number;
  workflowRunTimeoutMs?: number;
  /** A cron chain's schedule (cron/cron-chain.ts): each close that completes, fails or times out starts the next run. */
  cronSchedule?: string;
  /** When the run's code starts: later than its start with a cron schedule or a start delay. */
  executionTime?: number;
  /** While the first workflow task waits (wft.status 'delayed'): why; a start delay ends early on new input, a cron wait does not. */
  delayedBy?: 'cron' | 'startDelay';
}

export function newRunState(workflowTaskTimeoutMs: number, requestId?: string): RunState {
  return {
    workflowTaskTimeoutMs,
    lastSawUpTo: 0,
    wft: { status: 'scheduled', attempt: 1 },
    activities: {},
    timers: {},
    cancelRequested: false,
    requestId,
  };
}
