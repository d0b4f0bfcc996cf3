import { sleep } from '@endure/workflow';

/**
 * Sleeps `ms` durably and returns its wake lateness as the workflow itself sees it:
 * (Date.now() after the sleep) − (Date.now() before it) − ms. Inside a workflow Date.now() is the
 * activation time, so this covers the timer's commit, firing, the new workflow task and its dispatch.
 */
export async function sleeper(ms: number): Promise<number> {
  const before = Date.now();
  await sleep(ms);
  return Date.now() - before - ms;
}
