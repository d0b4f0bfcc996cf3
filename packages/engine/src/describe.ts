import type { PendingActivityInfo, WorkflowDescription } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import type { Run } from './run.js';
import { toEntry } from './visibility.js';
import { taskQueuePolling } from './task-queue-polling.js';

export function describeRun(core: EngineCore, run: Run): WorkflowDescription {
  const r = run.record;
  const pendingActivities: PendingActivityInfo[] = Object.values(run.state.activities).map((a) => ({
    seq: a.seq,
    activityId: a.activityId,
    activityType: a.activityType,
    state: a.cancelRequested ? 'CANCEL_REQUESTED' : run.activityStarts.has(a.seq) ? 'STARTED' : 'SCHEDULED',
    attempt: a.attempt,
    lastFailure: a.lastFailure,
    lastHeartbeatDetails: a.heartbeatDetails,
    nextAttemptScheduleTime: a.currentAttemptScheduledTime > core.now() ? a.currentAttemptScheduledTime : undefined,
  }));
  const w = run.state.wft;
  const pendingWorkflowTask =
    run.open && ((w.status !== 'none' && w.status !== 'delayed') || run.wftStarted)
      ? {
          attempt: w.attempt,
          state: run.wftStarted ? ('STARTED' as const) : w.status === 'backoff' ? ('BACKING_OFF' as const) : ('SCHEDULED' as const),
          lastFailure: w.lastFailure,
          nextAttemptTime: w.nextAttemptTime,
        }
      : undefined;
  const chain = { executionTime: run.state.executionTime ?? r.startTime, cronSchedule: run.state.cronSchedule, firstRunId: run.state.firstRunId ?? r.runId };
  const d: WorkflowDescription = { ...toEntry(r, run.properties), pendingActivities, pendingWorkflowTask, ...chain };
  if (run.open) d.taskQueuePolling = taskQueuePolling(core, r.namespace, r.taskQueue, 'workflow');
  return d;
}
