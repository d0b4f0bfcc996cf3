// Workflows that use Temporal's enum-like names as values, as code written for Temporal does.
import {
  ActivityCancellationType,
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
} from '@endure/workflow';

export const finish = defineSignal('finish');
export const cancelNow = defineSignal('cancelNow');

export async function childUntilFinished(): Promise<string> {
  let done = false;
  setHandler(finish, () => void (done = true));
  await condition(() => done);
  return 'child finished';
}

/** A child that takes its time over a cancel request: it finishes when told to. */
export async function childIgnoresCancel(): Promise<string> {
  let done = false;
  setHandler(finish, () => void (done = true));
  await CancellationScope.nonCancellable(() => condition(() => done));
  return 'child finished';
}

/** WAIT_CANCELLATION_REQUESTED: the child's result rejects once the cancel request reached it, though the child runs on. */
export async function cancelsChildOnRequest(childId: string): Promise<string> {
  const scope = new CancellationScope();
  const child = await scope.run(() => startChild(childIgnoresCancel, { workflowId: childId, cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED, parentClosePolicy: ParentClosePolicy.ABANDON }));
  scope.cancel();
  try {
    return `child returned ${await child.result()}`;
  } catch (err) {
    return isCancellation(err) ? 'cancel requested' : `other: ${String(err)}`;
  }
}

/** Starts a child that outlives this workflow (ABANDON), by the current or the older spelling. */
export async function abandonsChild(childId: string, spelling: 'ABANDON' | 'PARENT_CLOSE_POLICY_ABANDON'): Promise<string> {
  await startChild(childUntilFinished, { workflowId: childId, parentClosePolicy: ParentClosePolicy[spelling] });
  return 'parent done';
}

interface CleanupActivities {
  slowCleanup(key: string): Promise<void>;
  wasCleanedUp(key: string): Promise<boolean>;
}

/**
 * Cancels an activity with WAIT_CANCELLATION_COMPLETED: the call settles only once the activity
 * has finished its cleanup, so what the workflow does next sees the cleanup done.
 */
export async function cancelsActivityAndWaits(key: string): Promise<{ cancelled: boolean; cleanedUpFirst: boolean }> {
  const { slowCleanup } = proxyActivities<CleanupActivities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '5 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const { wasCleanedUp } = proxyActivities<CleanupActivities>({ startToCloseTimeout: '10 seconds' });
  let go = false;
  setHandler(cancelNow, () => void (go = true));
  const scope = new CancellationScope();
  const running = scope.run(() => slowCleanup(key));
  await condition(() => go);
  scope.cancel();
  let cancelled = false;
  try {
    await running;
  } catch (err) {
    cancelled = isCancellation(err);
  }
  return { cancelled, cleanedUpFirst: await wasCleanedUp(key) };
}
