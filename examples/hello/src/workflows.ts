import { proxyActivities, sleep } from '@endure/workflow';
import type * as activities from './activities.js';

const { greet, flakyShout } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '50ms' },
});

/** Greets, pauses durably, then shouts the greeting through a flaky activity. */
export async function helloWorkflow(name: string): Promise<string> {
  const greeting = await greet(name);
  await sleep('1 second');
  return flakyShout(greeting);
}
