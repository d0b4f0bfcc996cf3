import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setDefaultSignalHandler,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const acts = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export const addItem = defineSignal<[string]>('addItem');
export const checkout = defineSignal('checkout');
export const getItems = defineQuery<string[]>('getItems');
export const itemCount = defineQuery<number, [number]>('itemCount');

/** A cart: items arrive by signal; a query reads them; checkout ends it. */
export async function cart(): Promise<string[]> {
  const items: string[] = [];
  let done = false;
  setHandler(addItem, (item) => void items.push(item));
  setHandler(checkout, () => void (done = true));
  setHandler(getItems, () => [...items]);
  setHandler(itemCount, (plus) => items.length + plus);
  await condition(() => done);
  return items;
}

/** Registers its handler late: signals sent before then are buffered and delivered in order. */
export async function lateHandler(): Promise<string[]> {
  const got: string[] = [];
  await sleep(300);
  setHandler(addItem, (item) => void got.push(item));
  await condition(() => got.length >= 3);
  return got;
}

export async function defaultHandler(): Promise<unknown[]> {
  const got: unknown[] = [];
  setDefaultSignalHandler((name, ...args) => void got.push([name, ...args]));
  await condition(() => got.length >= 2);
  return got;
}

/** Its query handler tries to start a timer, which a query must not do. */
export async function mutatingQuery(): Promise<void> {
  setHandler(defineQuery<number>('sneaky'), () => {
    void sleep(10);
    return 1;
  });
  await condition(() => false);
}

export async function cancelTimerInScope(): Promise<boolean> {
  const scope = new CancellationScope();
  const slept = scope.run(() => sleep(60_000));
  scope.cancel();
  try {
    await slept;
    return false;
  } catch (err) {
    return isCancellation(err);
  }
}

export async function withTimeoutScope(): Promise<string> {
  try {
    await CancellationScope.withTimeout(100, () => sleep(60_000));
    return 'slept';
  } catch (err) {
    return isCancellation(err) ? 'timed out' : `other: ${String(err)}`;
  }
}

/** On cancellation, runs a cleanup activity the cancellation cannot reach, then lets it end the run. */
export async function cleanupOnCancel(): Promise<void> {
  try {
    await CancellationScope.cancellable(() => condition(() => false));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => acts.echoActivity('cleanup'));
    throw err;
  }
}

/** A non-cancellable scope shields its timer from the workflow's cancellation. */
export async function shieldedSleep(): Promise<string> {
  await CancellationScope.nonCancellable(() => sleep(300));
  return 'finished the shielded sleep';
}

/** Reads its memo and search attributes, changes them, and reports what it saw. */
export async function tagged(): Promise<unknown> {
  const before = { memo: workflowInfo().memo, searchAttributes: workflowInfo().searchAttributes };
  upsertSearchAttributes({ CustomerTier: 'gold', Region: null });
  upsertMemo({ note: 'reviewed' });
  let done = false;
  setHandler(checkout, () => void (done = true));
  await condition(() => done);
  return { before, after: { memo: workflowInfo().memo, searchAttributes: workflowInfo().searchAttributes } };
}
