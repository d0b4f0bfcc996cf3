// Version 3: every old run is gone; the patch is deprecated and only the new path remains.
import { deprecatePatch, proxyActivities, sleep } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { flaky } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function shipping(): Promise<string> {
  deprecatePatch('ship-by-air');
  await sleep(400);
  return `air:${await flaky(1)}`;
}
