import type { RunKey } from '@endure/storage';

export function runKeyString(k: RunKey): string {
  return `${k.namespace}\u0000${k.workflowId}\u0000${k.runId}`;
}

export function queueKeyString(namespace: string, taskQueue: string, kind: 'workflow' | 'activity'): string {
  return `${kind}\u0000${namespace}\u0000${taskQueue}`;
}

