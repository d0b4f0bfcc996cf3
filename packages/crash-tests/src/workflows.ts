import { proxyActivities, sleep } from '@endure/workflow';
import type { CrashActivities } from './activities.js';
import { sleepMs } from './shared.js';

const { stepOne, stepTwo, stepThree } = proxyActivities<CrashActivities>({ startToCloseTimeout: '30 seconds' });
const { flaky } = proxyActivities<CrashActivities>({
  startToCloseTimeout: '30 seconds',
  // Room for more attempts than planned, so a wrongly counted attempt shows up in the test's
  // assertions (attempt 3 expected) rather than as a failed workflow.
  retry: { initialInterval: '100ms', backoffCoefficient: 2, maximumAttempts: 6 },
});

/** Three activities, a durable sleep, then an activity that fails twice before it succeeds. */
export async function crashWorkflow(n: number): Promise<string> {
  const a = await stepOne(n);
  const b = await stepTwo(a);
  await sleep(sleepMs(n));
  const c = await stepThree(b);
  return `crash-${n}:${await flaky(c)}`;
}
