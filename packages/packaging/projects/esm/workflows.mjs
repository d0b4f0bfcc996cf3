// Workflow code in plain JavaScript (ESM): an activity, a durable timer and a signal.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@endure/workflow';

const { greet } = proxyActivities({ startToCloseTimeout: '1 minute' });

export const approve = defineSignal('approve');

export async function order(name) {
  let approvedBy;
  setHandler(approve, (by) => {
    approvedBy = by;
  });
  const greeting = await greet(name);
  await sleep(50);
  await condition(() => approvedBy !== undefined);
  return `${greeting}; approved by ${approvedBy}`;
}
