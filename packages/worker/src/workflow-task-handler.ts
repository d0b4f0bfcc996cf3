import { ApiError, type EngineApi, type HistoryEvent, type WorkflowTask } from '@endure/protocol';
import { HistoryGapError, WorkflowReplayer, type TaskOutcome } from '@endure/core';
import type { SandboxRealm } from './sandbox.js';
import type { WorkflowCache } from './workflow-cache.js';
import type { Logger } from './logger.js';

const CLOSING = new Set(['CompleteWorkflow', 'FailWorkflow', 'CancelWorkflow']);

/** Runs workflow tasks: replays or continues the cached run, then completes or fails the task. */
export class WorkflowTaskHandler {
  constructor(
    private readonly engine: EngineApi,
    private readonly realm: SandboxRealm,
    private readonly cache: WorkflowCache,
    private readonly logger: Logger,
    private readonly identity: string,
  ) {}

  async handle(task: WorkflowTask): Promise<void> {
    const { replayer, outcome } = await this.activate(task);
    if (!outcome.ok) return this.fail(task, outcome);
    try {
      await this.engine.completeWorkflowTask({
        taskToken: task.taskToken,
        commands: outcome.commands,
        sawUpTo: outcome.sawUpTo,
        time: outcome.time,
        identity: this.identity,
      });
      if (!outcome.commands.some((c) => CLOSING.has(c.type))) this.cache.put(task.runId, replayer);
    } catch (err) {
      this.cache.evict(task.runId);
      if (err instanceof ApiError && (err.code === 'PAYLOAD_TOO_LARGE' || err.code === 'INVALID_ARGUMENT')) {
        // The engine refused what the code produced: that is a workflow task failure the user must see.
        await this.fail(task, { ok: false, nondeterminism: false, failure: { message: err.message, info: { type: 'application', errorType: err.code, nonRetryable: false } } });
      } else if (!(err instanceof ApiError && (err.code === 'FAILED_PRECONDITION' || err.code === 'NOT_FOUND'))) {
        throw err;
      }
    }
  }

  private async activate(task: WorkflowTask): Promise<{ replayer: WorkflowReplayer; outcome: TaskOutcome }> {
    const first = task.events[0]?.eventId ?? task.lastEventId + 1;
    const cached = this.cache.take(task.runId);
    if (cached && cached.lastEventId === first - 1) {
      try {
        return { replayer: cached, outcome: cached.advance(task.events, Date.now()) };
      } catch (err) {
        if (!(err instanceof HistoryGapError)) throw err;
      }
    }
    const replayer = new WorkflowReplayer(this.realm.instantiate(), task);
    const events = first === 1 ? task.events : await this.fullHistory(task, first);
    return { replayer, outcome: replayer.advance(events, Date.now()) };
  }

  private async fullHistory(task: WorkflowTask, first: number): Promise<HistoryEvent[]> {
    const r = await this.engine.getHistory({ namespace: task.namespace, workflowId: task.workflowId, runId: task.runId });
    return [...r.events.filter((e) => e.eventId < first), ...task.events];
  }

  private async fail(task: WorkflowTask, outcome: Extract<TaskOutcome, { ok: false }>): Promise<void> {
    this.cache.evict(task.runId);
    this.logger.warn(`workflow task failed (attempt ${task.attempt}); it will be retried, and the workflow continues once the code is fixed: ${outcome.failure.message}`, {
      workflowId: task.workflowId,
      runId: task.runId,
      workflowType: task.workflowType,
      nondeterminism: outcome.nondeterminism,
    });
    try {
      await this.engine.failWorkflowTask({ taskToken: task.taskToken, failure: outcome.failure, identity: this.identity });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }
}
