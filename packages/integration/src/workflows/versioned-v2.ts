// Version 2: the mode is decided up front; new runs ship by air, runs already past this point
// on version 1 keep shipping by ground.
import { patched, proxyActivities, sleep } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity, flaky } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function shipping(): Promise<string> {
  const byAir = patched('ship-by-air');
  await sleep(400);
  if (byAir) return `air:${await flaky(1)}`;
  return String(await echoActivity('ground'));
}
