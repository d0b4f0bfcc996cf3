// Shutdown as Temporal's worker does it: shutdownGraceTime (default 0) before running activities
// are cancelled, shutdownForceTime after which run() gives up, and runUntil's
// promiseCompletionTimeout when the worker stops before the promise settles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityInfo, cancellationDetails, cancelled, type ActivityCancellationDetails } from '@endure/activity';
import { UnsupportedOptionError } from '@endure/common';
import { NativeConnection, Worker, GracefulShutdownPeriodExpiredError, PromiseCompletionTimeoutError, type WorkerOptions } from '@endure/worker';
import { TestEnv, memoryLogger, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

/** Resolves when `cond` holds, or fails after `ms` (a bound that only a hang reaches). */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('worker shutdown', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  async function create(opts: Omit<WorkerOptions, 'connection'>): Promise<Worker> {
    const connection = await NativeConnection.connect({ address: env.address });
    after(() => connection.close());
    return Worker.create({ logger: memoryLogger(), workflowsPath: workflowsPath('options'), ...opts, connection });
  }

  it('by default (shutdownGraceTime 0) runUntil cancels a running activity at once instead of waiting for it; the attempt is retried', async () => {
    const seen: { attempt: number; details: ActivityCancellationDetails | undefined }[] = [];
    const acts = makeActivities().activities;
    const activities = {
      ...acts,
      // Runs for a minute unless cancelled: only a prompt cancellation lets shutdown finish.
      async pause(ms: number): Promise<number> {
        const { attempt } = activityInfo();
        if (attempt > 1) return attempt;
        try {
          await Promise.race([cancelled(), new Promise((r) => setTimeout(r, ms).unref())]);
        } catch (err) {
          seen.push({ attempt, details: cancellationDetails() });
          throw err; // confirms the cancellation: the attempt fails
        }
        return attempt;
      },
    };
    const worker = await create({ taskQueue: 'grace-0', activities });
    const slow = await env.client.workflow.start('pauseThenEcho', { taskQueue: 'grace-0', workflowId: uid(), args: [60_000] });
    const t0 = Date.now();
    // What a test written for Temporal does: run the worker until another workflow's result.
    await worker.runUntil(async () => {
      await env.waitFor(slow, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
      return env.client.workflow.execute('echoWorkflow', { taskQueue: 'grace-0', workflowId: uid(), args: ['done'] });
    });
    assert.ok(Date.now() - t0 < 8_000, 'shutdown did not wait for the running activity (the old default waited 10 s)');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.details, { notFound: false, cancelRequested: false, paused: false, timedOut: false, workerShutdown: true });
    assert.equal(worker.getState(), 'STOPPED');
    // The cancelled attempt failed (it did not complete): the next worker's attempt 2 finishes the workflow.
    const next = await create({ taskQueue: 'grace-0', activities });
    assert.deepEqual(await next.runUntil(slow.result()), { paused: 2, echoed: 2 });
  });

  it('shutdownGraceTime lets running activities finish before shutdown completes', async () => {
    let finished = false;
    const activities = {
      ...makeActivities().activities,
      async pause(ms: number): Promise<number> {
        await new Promise((r) => setTimeout(r, ms));
        finished = cancellationDetails() === undefined;
        return ms;
      },
    };
    const worker = await create({ taskQueue: 'grace-2s', activities, shutdownGraceTime: '20s' });
    const running = worker.run();
    const h = await env.client.workflow.start('pauseThenEcho', { taskQueue: 'grace-2s', workflowId: uid(), args: [300] });
    await env.waitFor(h, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
    worker.shutdown();
    await running;
    assert.equal(finished, true, 'the activity ran to its end, uncancelled');
    const { events } = await h.fetchHistory();
    assert.equal(events.filter((e) => e.type === 'ActivityTaskCompleted').length, 1);
  });

  it('shutdownForceTime: run() rejects with GracefulShutdownPeriodExpiredError when in-flight work outlasts it', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const activities = {
      ...makeActivities().activities,
      // Ignores cancellation entirely.
      async pause(ms: number): Promise<number> {
        await stuck;
        return ms;
      },
    };
    const worker = await create({ taskQueue: 'force', activities, shutdownForceTime: '300ms' });
    const running = worker.run();
    const h = await env.client.workflow.start('pauseThenEcho', { taskQueue: 'force', workflowId: uid(), args: [1] });
    await env.waitFor(h, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
    worker.shutdown();
    await assert.rejects(running, (e: unknown) => e instanceof GracefulShutdownPeriodExpiredError && /did not finish within shutdownForceTime \(300 ms\)/.test(e.message));
    assert.equal(worker.getState(), 'FAILED');
    release();
    await h.terminate();
  });

  it('runUntil: a promise still pending when the worker stops fails with PromiseCompletionTimeoutError after promiseCompletionTimeout (default 0)', async () => {
    const w1 = await create({ taskQueue: 'until-1', activities: makeActivities().activities });
    const never = new Promise<string>(() => {});
    setTimeout(() => w1.shutdown(), 50);
    await assert.rejects(w1.runUntil(never), (e: unknown) => e instanceof PromiseCompletionTimeoutError && /did not settle within promiseCompletionTimeout \(0 ms\)/.test(e.message));

    const w2 = await create({ taskQueue: 'until-2', activities: makeActivities().activities });
    setTimeout(() => w2.shutdown(), 50);
    const late = new Promise<string>((r) => setTimeout(() => r('late but in time'), 300));
    assert.equal(await w2.runUntil(late, { promiseCompletionTimeout: '20s' }), 'late but in time');

    const w3 = await create({ taskQueue: 'until-3', activities: makeActivities().activities, workflowsPath: undefined });
    await assert.rejects(w3.runUntil(Promise.resolve(1), { timeout: 5 } as never), (e: unknown) => e instanceof UnsupportedOptionError && /'timeout' is not an option of RunUntilOptions/.test(e.message));
  });
});
