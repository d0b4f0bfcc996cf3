// Fixture: a type-only import of activities is fine (erased at bundle time).
import type { TestActivities } from '../activities.js';
import { proxyActivities } from '@endure/workflow';
const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '1s' });
export async function typed(): Promise<unknown> {
  return echoActivity(1);
}
