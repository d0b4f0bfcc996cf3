// Workflows caught mid-flight by `endure db migrate` (db-migrate.test.ts): each is stopped at a
// different kind of waiting, moved to another database, and finished there.
import { condition, defineSignal, executeChild, proxyActivities, setHandler, sleep, workflowInfo } from '@endure/workflow';

/** The activities of migration-app.ts (its process decides how each behaves before and after the move). */
interface MigrationActivities {
  hang(): Promise<string>;
  flaky(): Promise<string>;
  approval(): Promise<string>;
}

const { hang, approval } = proxyActivities<MigrationActivities>({ startToCloseTimeout: '5m', retry: { initialInterval: '1s', backoffCoefficient: 1 } });
const { flaky } = proxyActivities<MigrationActivities>({ startToCloseTimeout: '1m', retry: { initialInterval: '2s', backoffCoefficient: 1 } });

export const go = defineSignal<[string]>('go');

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'slept';
}

export async function waiter(): Promise<string> {
  let said: string | undefined;
  setHandler(go, (s) => void (said = s));
  await condition(() => said !== undefined);
  return `got ${said}`;
}

export async function parent(): Promise<string> {
  return `child ${await executeChild(waiter, { workflowId: `${workflowInfo().workflowId}-child` })}`;
}

export async function running(): Promise<string> {
  return hang();
}

export async function retrying(): Promise<string> {
  return flaky();
}

export async function approved(): Promise<string> {
  return approval();
}

export async function quick(n: number): Promise<number> {
  return n * 2;
}
