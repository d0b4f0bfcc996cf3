import type { TaskRef } from './matching.js';
import { COMMAND_EVENT_TYPES, type EventOf, type Failure, type HistoryEvent, type NewEvent, type Payload, type SearchAttributeValue, type WorkflowStatus } from '@endure/protocol';
import type { RunKey, RunProperties, TaskRow, TimerRow, WorkflowRecord } from '@endure/storage';
import type { RunState } from './run-state.js';
import type { PreparedRun } from './new-run.js';

/** In-memory facts about a started activity attempt (lost on crash, which re-offers the task). */
export interface ActivityStart {
  dispatchId: number;
  startedTime: number;
  identity: string;
}

/** One run as the engine holds it: the durable record and state, plus what only memory knows. */
export class Run {
  /** Events past state.lastSawUpTo: what the next workflow task delivers. */
  tail: HistoryEvent[] = [];
  wftStarted: { dispatchId: number; startedTime: number } | undefined;
  /** The Worker instance that has this run cached (its next workflow tasks go there first). */
  stickyWorkerId: string | undefined;
  /**
   * Query tasks that wait for the pending workflow task: a query sees every event recorded
   * before it was asked (a signal sent, then a query, sees the signal).
   */
  heldQueries: TaskRef[] = [];
  activityStarts = new Map<number, ActivityStart>();
  /** The close event, once this engine has closed the run (getResult answers from it, not the store). */
  closeEvent: HistoryEvent | undefined;
  /** Resolves when every mutation issued so far is durable. */
  lastCommit: Promise<void> = Promise.resolve();
  /** Mutations issued but not yet durable: such a run must stay in memory (disk is behind it). */
  uncommitted = 0;
  /** Update requests not yet accepted or rejected: delivered with every workflow task until they are. */
  pendingUpdates = new Map<string, { name: string; args: Payload[] }>();
  /** Updates a validator refused (never in history), for their callers. */
  rejectedUpdates = new Map<string, Failure>();
  /** Request ids of task outcomes applied lately (request-ids.ts): a resend is answered, not refused. */
  appliedOutcomes = new Set<string>();
  /**
   * The run's shard left this node (cluster): this copy is stale, and is never written or waited
   * on again; the shard's new owner loads the run afresh from the store.
   */
  retired = false;
  /** A cron run's start attributes (its input…), kept once read: the chain's next run repeats them (cron/cron-chain.ts). */
  startAttributes: EventOf<'WorkflowExecutionStarted'>['attributes'] | undefined;

  constructor(
    public record: WorkflowRecord,
    public state: RunState,
    /**
     * Memo and search attributes (payloads, merged from the start and upserts), for describe and
     * listing. Durable like the state, but stored apart and written only when they change.
     */
    public properties: RunProperties,
  ) {}

  get key(): RunKey {
    return { namespace: this.record.namespace, workflowId: this.record.workflowId, runId: this.record.runId };
  }

  get open(): boolean {
    return this.record.status === 'RUNNING';
  }

  /** A workflow task is scheduled or running: input recorded so far is not yet processed. */
  get workflowTaskPending(): boolean {
    return this.open && (this.state.wft.status === 'scheduled' || this.wftStarted !== undefined);
  }

  /** An event workflow code receives (not a task marker, not a command's own event). */
  isInput(e: HistoryEvent): boolean {
    return e.type !== 'WorkflowTaskCompleted' && !COMMAND_EVENT_TYPES.has(e.type);
  }

  /** True if an input event arrived after what the code last saw (a new workflow task is due). */
  hasUnseenInput(sawUpTo: number): boolean {
    return this.tail.some((e) => e.eventId > sawUpTo && this.isInput(e));
  }
}

/** Everything one state transition of a run writes, applied atomically by Engine.apply. */
export class Mutation {
  events: NewEvent[] = [];
  upsertTasks: TaskRow[] = [];
  deleteTasks: string[] = [];
  upsertTimers: TimerRow[] = [];
  deleteTimers: string[] = [];
  /**
   * Tasks to offer as soon as the write is issued. Handing out a task before its write is
   * durable is safe: if the write is lost, so is the record that the task was handed out, and
   * the task runs again after recovery, exactly as if its worker had crashed (at-least-once).
   */
  offers: TaskRow[] = [];
  close: { status: WorkflowStatus } | undefined;
  /** The run's whole indexed search-attribute set, when this transition changed it. */
  searchAttributes: Record<string, SearchAttributeValue> | undefined;
  /** The run's whole properties, when this transition changed them (the store keeps them otherwise). */
  properties: RunProperties | undefined;
  /** Continue-as-new: the successor run, created in the same atomic write as this close. */
  continueAsNew: PreparedRun | undefined;

  event(e: NewEvent): this {
    this.events.push(e);
    return this;
  }
}
