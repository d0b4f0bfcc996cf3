// The workflows running in fixtures/databases/run-state-v1.db.gz (written by make-run-state-v1-db.ts).
// Frozen: that database holds their histories part-way, and run-state-upgrade.test.ts replays and
// finishes them with this code, so any change here is a nondeterminism error there.
import { allHandlersFinished, condition, defineSignal, defineUpdate, proxyActivities, setHandler, sleep, startChild, workflowInfo } from '@endure/workflow';
import type { TestActivities } from '../activities.js';

export const go = defineSignal<[string]>('go');
export const release = defineSignal('release');
export const approve = defineUpdate<string, [string]>('approve');

/** Sleeps on a durable timer (under run and execution timeouts, so those timers are stored too). */
export async function sleeper(): Promise<string> {
  await sleep('20 seconds');
  return 'woke';
}

/** Waits for the `go` signal. */
export async function waitsForSignal(): Promise<string> {
  let got: string | undefined;
  setHandler(go, (x) => void (got = x));
  await condition(() => got !== undefined);
  return `got ${got}`;
}

/** An activity that fails its first attempt and waits 20 s to retry (its deadlines are timers too). */
export async function retriesActivity(): Promise<number> {
  const acts = proxyActivities<TestActivities>({
    startToCloseTimeout: '10 seconds',
    scheduleToCloseTimeout: '1 day',
    scheduleToStartTimeout: '1 day',
    retry: { initialInterval: '20 seconds', backoffCoefficient: 1 },
  });
  return acts.flaky(2);
}

/** A parent whose child runs until it is signalled. */
export async function parentOfWaitingChild(): Promise<string> {
  const child = await startChild(waitsForSignal, { workflowId: `${workflowInfo().workflowId}-child` });
  return `child said: ${await child.result()}`;
}

/** One run of a cron chain: counts on from the last run's result. */
export async function cronCount(): Promise<number> {
  return ((workflowInfo().lastResult as number | undefined) ?? 0) + 1;
}

/** Started with a start delay. */
export async function delayedHello(): Promise<string> {
  return 'hello';
}

/** Accepts `approve` updates at once; they complete when `release` arrives, and so does the run. */
export async function approvals(): Promise<string> {
  let released = false;
  setHandler(release, () => void (released = true));
  setHandler(approve, async (who) => {
    await condition(() => released);
    return `approved by ${who}`;
  });
  await condition(() => released && allHandlersFinished());
  return 'released';
}

/** Completes at once: a closed run in the database. */
export async function echo(x: string): Promise<string> {
  return x;
}
