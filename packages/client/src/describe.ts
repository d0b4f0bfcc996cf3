import type { PendingActivityInfo, PendingWorkflowTaskInfo, TaskQueuePolling, WorkflowDescription } from '@endure/protocol';
import type { PayloadConverter } from '@endure/common';
import { toExecutionInfo, type WorkflowExecutionInfo } from './workflow-list.js';

/**
 * What handle.describe() returns: Temporal's WorkflowExecutionDescription (the run as list() shows
 * it: type, status `{ code, name }`, times as Dates, decoded memo and search attributes), plus
 * what the run waits on.
 */
export interface WorkflowExecutionDescription extends Omit<WorkflowExecutionInfo, 'raw'> {
  /** Activities scheduled or running, with their attempt and last failure. */
  pendingActivities: PendingActivityInfo[];
  /** The workflow task waiting or running, and its last failure (a bug in the workflow shows here). */
  pendingWorkflowTask?: PendingWorkflowTaskInfo;
  /** The run's cron schedule, if it is part of a cron chain. */
  cronSchedule?: string;
  /** The first run of the chain this run belongs to (continue-as-new, cron). */
  firstExecutionRunId: string;
  /** For an open run: whether workers poll its task queue (a mistyped queue shows here, with a hint). */
  taskQueuePolling?: TaskQueuePolling;
  /** The description as the engine returned it. */
  raw: WorkflowDescription;
}

export function describeRun(converter: PayloadConverter, d: WorkflowDescription): WorkflowExecutionDescription {
  const info = toExecutionInfo(converter, d);
  return {
    ...info,
    executionTime: new Date(d.executionTime ?? d.startTime),
    pendingActivities: d.pendingActivities,
    ...(d.pendingWorkflowTask ? { pendingWorkflowTask: d.pendingWorkflowTask } : {}),
    ...(d.cronSchedule ? { cronSchedule: d.cronSchedule } : {}),
    firstExecutionRunId: d.firstRunId ?? d.runId,
    ...(d.taskQueuePolling ? { taskQueuePolling: d.taskQueuePolling } : {}),
    raw: d,
  };
}
