// Workflows for cron chains and delayed starts.
import { sleep, workflowInfo } from '@endure/workflow';

/** One run of a cron chain: counts on from the last completed run's result. */
export async function cronTick(label: string): Promise<{ label: string; count: number; cronSchedule?: string; waitedMs?: number; lastFailure?: string }> {
  const info = workflowInfo();
  await sleep('1 second'); // cancellable: a cancel request ends the run (and with it the chain)
  return {
    label,
    count: ((info.lastResult as { count: number } | undefined)?.count ?? 0) + 1,
    cronSchedule: info.cronSchedule,
    waitedMs: info.cronScheduleToScheduleInterval,
    lastFailure: info.lastFailure?.message,
  };
}

/** Returns when its code started (engine time), for delayed starts. */
export async function startedAt(): Promise<number> {
  return Date.now();
}
