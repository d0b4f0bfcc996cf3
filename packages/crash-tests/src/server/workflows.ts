import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@endure/workflow';
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

export const go = defineSignal<[string]>('go');

/**
 * The chaos test's workflow: an activity, a durable sleep, a signal it waits for, another
 * activity. Its result is a pure function of `n` and the signal, so the test knows it.
 */
export async function chaosWorkflow(n: number): Promise<string> {
  let said: string | undefined;
  setHandler(go, (word) => void (said = word));
  const d = await double(n);
  await sleep(50 + (n % 3) * 100);
  await condition(() => said !== undefined);
  return `${await describeNumber(d)} ${said}`;
}

export function expectedChaosResult(n: number): string {
  return `number ${n * 2} go-${n}`;
}
