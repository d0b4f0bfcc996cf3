import {
  CancellationScope,
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  uuid4,
  workflowInfo,
} from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const acts = proxyActivities<TestActivities>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '20ms', maximumInterval: '40ms' },
});

export async function echoWorkflow(x: unknown): Promise<unknown> {
  return x;
}

export async function sequence(n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await acts.echoActivity(i));
  return out;
}

export async function flakyWorkflow(succeedOn: number, maximumAttempts?: number): Promise<number> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '5s', retry: { initialInterval: '10ms', maximumAttempts } });
  return p.flaky(succeedOn);
}

/** Returns how the activity failure looked from inside the workflow. */
export async function catchActivityFailure(kind: 'nonRetryable' | 'typed' | 'plain'): Promise<unknown> {
  const p = proxyActivities<TestActivities>({
    startToCloseTimeout: '5s',
    retry: { initialInterval: '10ms', maximumAttempts: 3, nonRetryableErrorTypes: ['PermanentError'] },
  });
  try {
    await p.failWith(kind, `failed: ${kind}`);
    return 'no error';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) return `unexpected ${String(err)}`;
    const cause = err.cause as ApplicationFailure;
    return { name: err.name, retryState: err.retryState, activityType: err.activityType, causeName: cause.name, causeType: cause.type, causeMessage: cause.message, nonRetryable: cause.nonRetryable, details: cause.details };
  }
}

export async function startToCloseRetry(): Promise<number> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '1s', retry: { initialInterval: '10ms' } });
  return p.slowThenFast(2);
}

export async function scheduleToCloseTimeout(): Promise<unknown> {
  const p = proxyActivities<TestActivities>({ scheduleToCloseTimeout: '300ms', startToCloseTimeout: '100ms', retry: { initialInterval: '10ms' } });
  try {
    await p.slowThenFast(1000);
    return 'no error';
  } catch (err) {
    const e = err as ActivityFailure;
    return { name: e.name, cause: e.cause?.name, timeoutType: (e.cause as { timeoutType?: string }).timeoutType };
  }
}

/** An activity on a queue no worker polls: it can only time out waiting to start. */
export async function scheduleToStartTimeout(): Promise<unknown> {
  const p = proxyActivities<TestActivities>({ taskQueue: 'nobody-polls-this', startToCloseTimeout: '1s', scheduleToStartTimeout: '200ms' });
  try {
    await p.echoActivity(1);
    return 'no error';
  } catch (err) {
    const e = err as ActivityFailure;
    return { name: e.name, cause: e.cause?.name, timeoutType: (e.cause as { timeoutType?: string }).timeoutType };
  }
}

export async function heartbeatResume(): Promise<unknown> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '20s', heartbeatTimeout: '300ms', retry: { initialInterval: '10ms' } });
  return p.resumable(20, 7);
}

/** Runs an activity until the workflow is cancelled, then runs cleanup and reports it. */
export async function cancellableWork(): Promise<string> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '20s', heartbeatTimeout: '2s', cancellationType: 'WAIT_CANCELLATION_COMPLETED' });
  try {
    await p.waitForCancel();
    return 'finished';
  } catch (err) {
    if (isCancellation(err)) throw new CancelledFailure('cancelled as asked');
    throw err;
  }
}

export async function failsWithApplicationFailure(): Promise<never> {
  throw ApplicationFailure.create({ message: 'order invalid', type: 'OrderError', nonRetryable: true, details: [{ orderId: 7 }], cause: new Error('root cause') });
}

export async function throwsTypeError(): Promise<void> {
  await acts.echoActivity(1);
  (undefined as unknown as { boom(): void }).boom();
}

export async function sleepy(duration: string | number): Promise<{ slept: number }> {
  const t0 = Date.now();
  await sleep(duration);
  return { slept: Date.now() - t0 };
}

export async function conditionWithTimeout(ms: number): Promise<boolean> {
  return condition(() => false, ms);
}

/** Values that must be identical on every replay. */
export async function deterministicValues(): Promise<unknown> {
  const before = { now: Date.now(), date: new Date().getTime(), random: Math.random(), uuid: uuid4() };
  await acts.echoActivity('x');
  const after = { now: Date.now(), random: Math.random(), uuid: uuid4() };
  return { before, after, info: { workflowId: workflowInfo().workflowId, attempt: workflowInfo().attempt } };
}

export async function setTimeoutWorkflow(): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve('fired'), 50));
}

export async function usesWeakRef(): Promise<void> {
  new WeakRef({});
}

export async function usesFinalizationRegistry(): Promise<void> {
  new FinalizationRegistry(() => {});
}

export async function usesSetInterval(): Promise<void> {
  setInterval(() => {}, 10);
}

export async function spins(): Promise<void> {
  for (;;) {
    /* never yields */
  }
}

/** Spins after an await: the watchdog fires inside the realm's microtask drain. */
export async function spinsAfterActivity(): Promise<void> {
  await acts.echoActivity(1);
  for (;;) {
    /* never yields */
  }
}

export async function waitsForever(): Promise<void> {
  await condition(() => false);
}

export async function bigActivityResult(bytes: number): Promise<number> {
  return (await acts.bigResult(bytes)).length;
}

export async function asyncCompletion(): Promise<unknown> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  try {
    return await p.completesAsync();
  } catch (err) {
    return `failed: ${String((err as ActivityFailure).cause?.message)}`;
  }
}

export async function localActivity(): Promise<unknown> {
  const { echoActivity, flaky } = proxyLocalActivities<TestActivities>({ startToCloseTimeout: '5s', retry: { initialInterval: '10ms' } });
  const first = await echoActivity('local');
  const attempts = await flaky(3); // fails twice, retried inside the workflow task
  await sleep(30); // a later task: on a worker without a cache it replays the above
  return [first, attempts];
}

/** A local activity that outlasts the workflow task timeout: the worker keeps its task alive meanwhile. */
export async function longLocalActivity(ms: number): Promise<number> {
  const { pause } = proxyLocalActivities<TestActivities>({ startToCloseTimeout: '30s' });
  return pause(ms);
}

/** Cancels the scope of a running activity and reports what the workflow saw, and when. */
export async function cancelActivityWith(cancellationType: 'TRY_CANCEL' | 'ABANDON' | 'WAIT_CANCELLATION_COMPLETED'): Promise<string> {
  const p = proxyActivities<TestActivities>({ startToCloseTimeout: '20s', heartbeatTimeout: '2s', cancellationType });
  const scope = new CancellationScope();
  const running = scope.run(() => p.waitForCancel());
  await sleep(300); // the activity is running by then
  scope.cancel();
  try {
    await running;
    return 'completed';
  } catch (err) {
    return isCancellation(err) ? 'cancelled' : `other: ${String(err)}`;
  }
}
