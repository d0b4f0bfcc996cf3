// Version 2 of taggedOrder: the typo fixed, using a registered attribute.
import { proxyActivities, upsertSearchAttributes } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

const { echoActivity } = proxyActivities<TestActivities>({ startToCloseTimeout: '5s' });

export async function taggedOrder(orderId: string): Promise<string> {
  const reserved = await echoActivity(`reserve ${orderId}`);
  upsertSearchAttributes({ CustomKeywordField: 'eu' });
  const charged = await echoActivity(`charge ${orderId}`);
  return `${String(reserved)}, ${String(charged)}`;
}
