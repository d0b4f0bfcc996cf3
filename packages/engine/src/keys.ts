import type { RunKey } from '@endure/storage';

export function runKeyString(k: RunKey): string {
  return `${k.namespace}\u0000${k.workflowId}\u0000${k.runId}`;
}

export function queueKeyString(namespace: string, taskQueue: string, kind: 'workflow' | 'activity'): string {
  return `${kind}\u0000${namespace}\u0000${taskQueue}`;
}

export const WFT_TASK_ID = 'wft';
export const activityTaskId = (seq: number) => `activity:${seq}`;
export const userTimerId = (seq: number) => `timer:${seq}`;
/** The durable timer that offers a delayed run's first workflow task (delayed-start.ts). */
export const DELAYED_START_TIMER_ID = 'delayed-start';
