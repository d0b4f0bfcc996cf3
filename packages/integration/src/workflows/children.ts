import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  sleep,
  startChild,
  workflowInfo,
} from '@endure/workflow';

export async function childEcho(x: string): Promise<string> {
  await sleep(10);
  return `child:${x}`;
}

export async function childFails(): Promise<never> {
  throw ApplicationFailure.nonRetryable('child broke', 'ChildError');
}

export async function childWaits(): Promise<string> {
  await condition(() => false);
  return 'never';
}

export async function parentOfTwo(): Promise<unknown> {
  const id = workflowInfo().workflowId;
  const a = await executeChild(childEcho, { args: ['a'], workflowId: `${id}-a` });
  const h = await startChild(childEcho, { args: ['b'], workflowId: `${id}-b` });
  return [a, await h.result(), h.workflowId];
}

export async function parentCatchesChildFailure(): Promise<string> {
  try {
    await executeChild(childFails, { workflowId: `${workflowInfo().workflowId}-child` });
    return 'no error';
  } catch (err) {
    return err instanceof ChildWorkflowFailure ? `${err.name}: ${String(err.cause?.message)}` : `other: ${String(err)}`;
  }
}

export async function parentLeavesChild(childId: string, policy: 'ABANDON' | 'TERMINATE' | 'REQUEST_CANCEL'): Promise<string> {
  await startChild(childWaits, { workflowId: childId, parentClosePolicy: policy });
  return 'parent done';
}

export async function parentCancelsChild(): Promise<boolean> {
  const scope = new CancellationScope();
  const running = scope.run(() => executeChild(childWaits, { workflowId: `${workflowInfo().workflowId}-child` }));
  await sleep(50);
  scope.cancel();
  try {
    await running;
    return false;
  } catch (err) {
    return isCancellation(err);
  }
}

export async function signalsOther(targetId: string): Promise<string> {
  await getExternalWorkflowHandle(targetId).signal('addItem', 'from-another-workflow');
  try {
    await getExternalWorkflowHandle('no-such-workflow').signal('addItem', 'x');
    return 'sent to nobody?';
  } catch (err) {
    return `sent; the second failed: ${(err as Error).message}`;
  }
}

export async function cancelsOther(targetId: string): Promise<string> {
  await getExternalWorkflowHandle(targetId).cancel();
  return 'cancel requested';
}
