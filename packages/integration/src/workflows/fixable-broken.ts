// Version 1 of orderWorkflow: a bug after the second activity.
import { proxyActivities } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function orderWorkflow(orderId: string): Promise<string> {
  const reserved = await echoActivity(`reserve ${orderId}`);
  const charged = await echoActivity(`charge ${orderId}`);
  const receipt = (undefined as unknown as { id: string }).id; // TypeError: the bug
  return `${String(reserved)}, ${String(charged)}, ${receipt}`;
}
