// Workflows of the child-workflow crash test (see shared.ts for what each one does).
import { CancellationScope, executeChild, isCancellation, proxyActivities, sleep, startChild, workflowInfo } from '@endure/workflow';
import type { ChildrenActivities } from './activities.js';
import { ABANDONED_SLEEP_MS, CHILDREN_PER_FAMILY, CHILD_SLEEP_MS, WAIT_FOREVER, childId, closerChildId, type Policy } from './shared.js';

const { prepare, childWork, closerWork, abandonedWork, cleanup } = proxyActivities<ChildrenActivities>({
  startToCloseTimeout: '30 seconds',
  // None of them fails: an attempt > 1 in history would be a crash counted as a failure.
  retry: { maximumAttempts: 3 },
});

/** A family child: an activity, a durable sleep, then its id and the activity's value. */
export async function familyChild(n: number, k: number): Promise<string> {
  const value = await childWork(n, k);
  await sleep(CHILD_SLEEP_MS);
  return `${workflowInfo().workflowId}=${value}`;
}

/**
 * Prepares, then starts its children one after the other (each start awaited: startChild for all
 * but the last, executeChild for the last), and returns once every child has returned.
 */
export async function family(n: number): Promise<string> {
  const p = await prepare(n);
  const handles: { result(): Promise<string> }[] = [];
  for (let k = 0; k < CHILDREN_PER_FAMILY - 1; k++) handles.push(await startChild(familyChild, { workflowId: childId(n, k), args: [n, k] }));
  const last = await executeChild(familyChild, { workflowId: childId(n, CHILDREN_PER_FAMILY - 1), args: [n, CHILDREN_PER_FAMILY - 1] });
  const results: string[] = [];
  for (const h of handles) results.push(await h.result());
  return [workflowInfo().workflowId, p, ...results, last].join('|');
}

/** A child that waits until its parent's close reaches it: terminated, or cancelled (then it cleans up). */
export async function waitingChild(n: number): Promise<string> {
  try {
    await sleep(WAIT_FOREVER);
    throw new Error('waitingChild: woke up, but it should have been terminated or cancelled first');
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => cleanup(n));
    throw err;
  }
}

/** A child left behind by its parent: it works, sleeps and completes on its own. */
export async function abandonedChild(n: number): Promise<string> {
  const value = await abandonedWork(n);
  await sleep(ABANDONED_SLEEP_MS);
  return `${workflowInfo().workflowId}=${value}`;
}

/** Works, starts one child under parentClosePolicy `policy` and closes at once, leaving it running. */
export async function closer(policy: Policy, n: number): Promise<string> {
  const value = await closerWork(policy, n);
  const workflowId = closerChildId(policy, n);
  if (policy === 'ABANDON') await startChild(abandonedChild, { workflowId, args: [n], parentClosePolicy: policy });
  else await startChild(waitingChild, { workflowId, args: [n], parentClosePolicy: policy });
  return `${workflowInfo().workflowId}|${value}`;
}
