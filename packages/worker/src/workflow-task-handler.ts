import { randomUUID } from 'node:crypto';
import { ApiError, retryWhileUnavailable, type Command, type EngineApi, type HistoryEvent, type Payload, type WorkflowTask } from '@endure/protocol';
import type { TaskOutcome } from '@endure/core';
import type { WorkflowThreads } from './workflow-threads.js';
import type { Logger } from './logger.js';
import type { LocalActivityRunner } from './local-activities.js';
import type { FailingTaskLog } from './failing-task-log.js';

/** The default workflow task timeout, for tasks from engines that do not send theirs. */
const DEFAULT_TASK_TIMEOUT_MS = 10_000;

/**
 * How long a report on a task is retried while the engine is unreachable (a restarting server,
 * a 502/503 from in front of it): until the task would have timed out anyway. Past that its
 * token is stale and the engine has handed the task out again.
 */
const retryBudgetMs = (task: WorkflowTask) => task.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;

const nextLocal = (commands: Command[]) => commands.find((c): c is Extract<Command, { type: 'ScheduleLocalActivity' }> => c.type === 'ScheduleLocalActivity');

/** Runs workflow tasks on the workflow threads, then completes or fails them on the engine. */
export class WorkflowTaskHandler {
  constructor(
    private readonly engine: EngineApi,
    private readonly threads: WorkflowThreads,
    private readonly logger: Logger,
    private readonly identity: string,
    private readonly locals: LocalActivityRunner,
    private readonly taskQueue: string,
    /** This Worker instance's id when it caches runs (sticky routing), else undefined. */
    private readonly stickyWorkerId: string | undefined,
    private readonly failures: FailingTaskLog,
  ) {}

  /**
   * Runs the task's activation and reports its outcome. Resolves once the report is *issued*,
   * with the promise of its acknowledgement (which waits for the engine's commit): a poller need
   * not sit idle through a commit before taking the next task.
   */
  async handle(task: WorkflowTask): Promise<{ acked: Promise<void> }> {
    if (task.query) return { acked: this.answerQuery(task, task.query.queryType, task.query.args) };
    let outcome = await this.activate(task);
    // Local activities run here, inside the task; each outcome lets the code go on. Meanwhile the
    // task is heartbeaten, so local activities longer than its timeout do not time it out (which
    // would run them again, and again).
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      for (let c = outcome.ok ? nextLocal(outcome.commands) : undefined; c; c = outcome.ok ? nextLocal(outcome.commands) : undefined) {
        heartbeat ??= this.heartbeatWhileRunning(task);
        const done = await this.locals.run(c, { namespace: task.namespace, workflowId: task.workflowId, runId: task.runId, workflowType: task.workflowType, taskQueue: this.taskQueue });
        const next = await this.threads.resolveLocal(task.runId, c.seq, done);
        if ('needHistory' in next) throw new Error('workflow thread asked for history while resolving a local activity');
        outcome = next;
      }
    } finally {
      clearInterval(heartbeat);
    }
    if (!outcome.ok) return { acked: this.fail(task, outcome) };
    const request = {
      taskToken: task.taskToken,
      commands: outcome.commands,
      sawUpTo: outcome.sawUpTo,
      time: outcome.time,
      identity: this.identity,
      stickyWorkerId: this.stickyWorkerId,
      requestId: randomUUID(),
    };
    // Retried, not dropped, through an outage: a dropped completion costs a task timeout and a
    // replay. A retry never applies twice: it carries the same request id.
    const completion = retryWhileUnavailable(() => this.engine.completeWorkflowTask(request), retryBudgetMs(task));
    return { acked: this.settleCompletion(task, completion) };
  }

  /** Heartbeats the task at half its timeout until cleared. */
  private heartbeatWhileRunning(task: WorkflowTask): NodeJS.Timeout {
    const every = Math.max(50, retryBudgetMs(task) / 2);
    return setInterval(() => {
      this.engine.heartbeatWorkflowTask({ taskToken: task.taskToken }).catch((err: unknown) => this.logger.debug(`workflow task heartbeat failed: ${(err as Error).message}`));
    }, every);
  }

  private async settleCompletion(task: WorkflowTask, completion: Promise<void>): Promise<void> {
    try {
      await completion;
    } catch (err) {
      this.threads.evict(task.runId); // its cached state ran ahead of what the engine accepted
      if (err instanceof ApiError && (err.code === 'PAYLOAD_TOO_LARGE' || err.code === 'INVALID_ARGUMENT')) {
        // The engine refused what the code produced: that is a workflow task failure the user must see.
        await this.fail(task, { ok: false, nondeterminism: false, failure: { message: err.message, info: { type: 'application', errorType: err.code, nonRetryable: false } } });
      } else if (!(err instanceof ApiError && (err.code === 'FAILED_PRECONDITION' || err.code === 'NOT_FOUND'))) {
        throw err;
      }
    }
  }

  private async activate(task: WorkflowTask): Promise<TaskOutcome> {
    // A literal per call, not `{ ...base, events }` (V8's spread-then-add is slow; one per task).
    const threadTask = (events: HistoryEvent[]) => ({ namespace: task.namespace, workflowId: task.workflowId, runId: task.runId, lastEventId: task.lastEventId, updates: task.updates, events });
    // The engine's clock is the workflow's clock (consistent across workers; virtual in tests).
    const first = await this.threads.activate(threadTask(task.events), task.startedTime);
    if (!('needHistory' in first)) return first;
    const second = await this.threads.activate(threadTask(await this.fullHistory(task)), task.startedTime);
    if ('needHistory' in second) throw new Error('workflow thread asked for history it was given');
    return second;
  }

  private async answerQuery(task: WorkflowTask, queryType: string, args: Payload[]): Promise<void> {
    const base = { namespace: task.namespace, workflowId: task.workflowId, runId: task.runId, lastEventId: task.lastEventId };
    let outcome = await this.threads.query({ ...base, events: [] }, queryType, args);
    if ('needHistory' in outcome) {
      const { events } = await this.engine.getHistory({ namespace: task.namespace, workflowId: task.workflowId, runId: task.runId });
      outcome = await this.threads.query({ ...base, events }, queryType, args);
    }
    if ('needHistory' in outcome) throw new Error('workflow thread asked for history it was given');
    await this.engine.respondQueryTask(outcome.ok ? { taskToken: task.taskToken, result: outcome.result } : { taskToken: task.taskToken, failure: outcome.failure });
  }

  private async fullHistory(task: WorkflowTask): Promise<HistoryEvent[]> {
    const first = task.events[0]?.eventId ?? task.lastEventId + 1;
    const r = await retryWhileUnavailable(() => this.engine.getHistory({ namespace: task.namespace, workflowId: task.workflowId, runId: task.runId }), retryBudgetMs(task));
    return [...r.events.filter((e) => e.eventId < first), ...task.events];
  }

  private async fail(task: WorkflowTask, outcome: Extract<TaskOutcome, { ok: false }>): Promise<void> {
    this.failures.report(task, outcome.failure, outcome.nondeterminism);
    const request = { taskToken: task.taskToken, failure: outcome.failure, identity: this.identity, requestId: randomUUID() };
    try {
      await retryWhileUnavailable(() => this.engine.failWorkflowTask(request), retryBudgetMs(task));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }
}
