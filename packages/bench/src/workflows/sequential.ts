import { proxyActivities } from '@endure/workflow';
import type * as activities from '../activities.js';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Runs `n` no-op activities one after the other (W1: n = 10, W2: n = 3). */
export async function sequential(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await noop();
  return n;
}
