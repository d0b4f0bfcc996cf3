import { continueAsNew, sleep, workflowInfo } from '@endure/workflow';

/** Counts to `until`, one run per step, each run continuing as new with the next number. */
export async function counter(n: number, until: number, firstRunIds: string[] = []): Promise<unknown> {
  const info = workflowInfo();
  const seen = firstRunIds.includes(info.firstExecutionRunId) ? firstRunIds : [...firstRunIds, info.firstExecutionRunId];
  if (n < until) {
    await sleep(1); // some history of its own in every run
    return continueAsNew<typeof counter>(n + 1, until, seen);
  }
  return { n, firstRunIds: seen, continuedFrom: info.continuedFromExecutionRunId !== undefined, historyLength: info.historyLength };
}

/** Loops until history suggests continuing as new, then does: a workflow that keeps history bounded. */
export async function boundedLoop(total: number, done = 0): Promise<unknown> {
  let n = done;
  while (n < total) {
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof boundedLoop>(total, n);
    await sleep(1);
    n++;
  }
  return { n, historyLength: workflowInfo().historyLength, runs: workflowInfo().continuedFromExecutionRunId ? 'several' : 'one' };
}
