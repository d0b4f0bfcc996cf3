import { proxyActivities, sleep } from '@endure/workflow';
import type { ServerLoadActivities } from './activities.js';

const { double, describeNumber } = proxyActivities<ServerLoadActivities>({
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '100ms', maximumInterval: '500ms' },
});

/** Two activities around a short durable sleep; the result is a pure function of `n`. */
export async function serverLoadWorkflow(n: number): Promise<string> {
  const d = await double(n);
  await sleep(50);
  return await describeNumber(d);
}

export function expectedServerLoadResult(n: number): string {
  return `number ${n * 2}`;
}
