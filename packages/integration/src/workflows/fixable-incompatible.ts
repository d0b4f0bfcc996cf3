// An incompatible change: the first step now calls a different activity.
import { proxyActivities } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity, flaky } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function orderWorkflow(orderId: string): Promise<string> {
  await flaky(1);
  const charged = await echoActivity(`charge ${orderId}`);
  return String(charged);
}
