// What every packaging project runs: an activity, a durable timer and a signal.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@endure/workflow';
import type * as activities from './activities.js';

const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

export const approve = defineSignal<[string]>('approve');

export async function order(name: string): Promise<string> {
  let approvedBy: string | undefined;
  setHandler(approve, (by) => {
    approvedBy = by;
  });
  const greeting = await greet(name);
  await sleep(50);
  await condition(() => approvedBy !== undefined);
  return `${greeting}; approved by ${approvedBy}`;
}
