// Workflows for the cluster tests (cluster.test.ts, cluster-chaos.test.ts): each order does one of
// everything a node must carry across a crash or a shard moving — an activity, a durable timer, a
// signal it waits for, and a child (usually in another shard, so another node's).
import { condition, defineSignal, executeChild, proxyActivities, setHandler, sleep, workflowInfo } from '@endure/workflow';

interface ClusterActivities {
  /** Records the call (the test counts executions) and returns 2n. */
  double(n: number): Promise<number>;
}

const { double } = proxyActivities<ClusterActivities>({ startToCloseTimeout: '5s', retry: { initialInterval: '200ms', backoffCoefficient: 1.5, maximumInterval: '2s' } });

export const approve = defineSignal<[number]>('approve');

export async function order(n: number, sleepMs: number): Promise<string> {
  let approvedBy: number | undefined;
  setHandler(approve, (by) => void (approvedBy = by));
  const doubled = await double(n);
  await sleep(sleepMs);
  await condition(() => approvedBy !== undefined);
  const item = await executeChild(lineItem, { workflowId: `${workflowInfo().workflowId}-item`, args: [doubled] });
  return `order ${n}: doubled ${doubled}, approved by ${approvedBy}, ${item}`;
}

export async function lineItem(x: number): Promise<string> {
  return `item ${await double(x)}`;
}
