// Version 2 of orderWorkflow: the same first two steps, the bug fixed.
import { proxyActivities } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function orderWorkflow(orderId: string): Promise<string> {
  const reserved = await echoActivity(`reserve ${orderId}`);
  const charged = await echoActivity(`charge ${orderId}`);
  const receipt = await echoActivity(`receipt ${orderId}`);
  return `${String(reserved)}, ${String(charged)}, ${String(receipt)}`;
}
