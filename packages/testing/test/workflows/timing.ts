import { condition, proxyActivities, sleep } from '@endure/workflow';
import type * as activities from '../activities.js';

const { greet, slow } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds', retry: { initialInterval: '50ms' } });

/** Calls one activity. */
export async function greeting(name: string): Promise<string> {
  return greet(name);
}

/** Sleeps a day, then waits a day on a condition that never holds; reports what Date.now() saw. */
export async function longWait(): Promise<{ slept: number; waited: number; conditionResult: boolean }> {
  const t0 = Date.now();
  await sleep('24 hours');
  const t1 = Date.now();
  const conditionResult = await condition(() => false, '1 day');
  return { slept: t1 - t0, waited: Date.now() - t1, conditionResult };
}

/** A timer racing an activity that takes `activityMs` of real time. */
export async function raceTimerAndActivity(activityMs: number): Promise<string> {
  return Promise.race([sleep('5s').then(() => 'timer'), slow(activityMs).then(() => 'activity')]);
}

const { longRunning } = proxyActivities<typeof activities>({ startToCloseTimeout: '2000s' });

/** Temporal's example for env.sleep: the activity sleeps 1000 s of engine time, the timer 500 s. */
export async function raceTimerAndLongActivity(): Promise<string> {
  return Promise.race([sleep('500s').then(() => 'timer'), longRunning().then(() => 'activity')]);
}
