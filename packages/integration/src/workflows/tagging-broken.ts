// Version 1 of taggedOrder: it upserts a search attribute whose name nobody registered (a typo).
import { proxyActivities, upsertSearchAttributes } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function taggedOrder(orderId: string): Promise<string> {
  const reserved = await echoActivity(`reserve ${orderId}`);
  upsertSearchAttributes({ OrderRegon: 'eu' });
  const charged = await echoActivity(`charge ${orderId}`);
  return `${String(reserved)}, ${String(charged)}`;
}
