import { continueAsNew, sleep, workflowInfo } from '@endure/workflow';

/** Counts to `until`, one run per step, each run continuing as new with the next number. */
export async function counter(n: number, until: number, firstRunIds: string[] = []): Promise<unknown> {
  const info = workflowInfo();
  const seen = firstRunIds.includes(info.firstRunId) ? firstRunIds : [...firstRunIds, info.firstRunId];
  if (n < until) {
    await sleep(1); // some history of its own in every run
    return continueAsNew<typeof counter>(n + 1, until, seen);
  }
  return { n, firstRunIds: seen, continuedFrom: info.continuedFromExecutionRunId !== undefined, historyLength: info.historyLength };
}
