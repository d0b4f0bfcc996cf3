import type { WorkflowStatus } from '@endure/protocol';

/** Temporal's names for a run's status (note Temporal's spelling CANCELLED in names). */
export type WorkflowExecutionStatusName =
  | 'UNSPECIFIED'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TERMINATED'
  | 'CONTINUED_AS_NEW'
  | 'TIMED_OUT'
  | 'UNKNOWN';

// Codes are Temporal's WorkflowExecutionStatus enum values, so code comparing them ports as is.
const BY_STATUS: Record<WorkflowStatus, { code: number; name: WorkflowExecutionStatusName }> = {
  RUNNING: { code: 1, name: 'RUNNING' },
  COMPLETED: { code: 2, name: 'COMPLETED' },
  FAILED: { code: 3, name: 'FAILED' },
  CANCELED: { code: 4, name: 'CANCELLED' },
  TERMINATED: { code: 5, name: 'TERMINATED' },
  CONTINUED_AS_NEW: { code: 6, name: 'CONTINUED_AS_NEW' },
  TIMED_OUT: { code: 7, name: 'TIMED_OUT' },
};

/** `{ code, name }` as Temporal's WorkflowExecutionInfo.status has it. */
export function statusOf(status: WorkflowStatus): { code: number; name: WorkflowExecutionStatusName } {
  return { ...(BY_STATUS[status] ?? { code: 0, name: 'UNKNOWN' }) };
}
