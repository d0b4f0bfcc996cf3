// Version 1 of a shipping workflow (before the patch).
import { proxyActivities, sleep } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function shipping(): Promise<string> {
  await sleep(400);
  return String(await echoActivity('ground'));
}
