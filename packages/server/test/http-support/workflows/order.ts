// A workflow that uses everything a remote worker and client exchange: activities, a signal,
// a query, an update (with a validator) and a timer.
import { condition, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@endure/workflow';

export interface OrderActivities {
  charge(amount: number): Promise<string>;
  ship(item: string): Promise<string>;
}

const { charge, ship } = proxyActivities<OrderActivities>({ startToCloseTimeout: '10s' });

export const approve = defineSignal<[string]>('approve');
export const stage = defineQuery<string>('stage');
export const addItem = defineUpdate<number, [string]>('addItem');

export async function order(amount: number): Promise<{ receipt: string; items: string[]; approvedBy: string; shipped: string[] }> {
  let current = 'new';
  let approvedBy: string | undefined;
  const items: string[] = [];
  setHandler(stage, () => current);
  setHandler(approve, (who) => void (approvedBy = who));
  setHandler(addItem, (item) => items.push(item), {
    validator: (item) => {
      if (!item) throw new Error('item must not be empty');
    },
  });
  const receipt = await charge(amount);
  current = 'charged';
  await condition(() => approvedBy !== undefined);
  current = 'approved';
  await sleep(50);
  const shipped = await Promise.all(items.map((i) => ship(i)));
  current = 'done';
  return { receipt, items, approvedBy: approvedBy!, shipped };
}

/** Waits for a signal that never comes: keeps a run open for tests that need one. */
export async function waiter(): Promise<string> {
  let got: string | undefined;
  setHandler(approve, (who) => void (got = who));
  await condition(() => got !== undefined);
  return got!;
}
