// cronSchedule and startDelay through the client, on a time-skipping engine: each run of a chain
// waits for its time, sees the schedule and the last result in workflowInfo(), and the handle
// start() returned follows (followRuns) and cancels the chain.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '@endure/testing';
import { CancelledFailure } from '@endure/common';
import { ServiceError, WorkflowFailedError } from '@endure/client';
import { memoryLogger, testMode, uid, workflowsPath } from '../src/harness.js';

const HOUR = 3600_000;
const nextHour = (t: number) => Math.floor(t / HOUR) * HOUR + HOUR;

// The time-skipping environment is embedded whatever the mode: one pass is enough.
describe('cron schedules and start delays (client)', { skip: testMode === 'server' ? 'embedded-only: time skipping' : false }, () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'cron';
  before(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping();
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath('cron'), logger: memoryLogger() });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
  });

  it('cronSchedule: each run waits for its time and counts on from the last; cancel ends the chain; followRuns picks the run', async () => {
    const workflowId = uid('report');
    const t0 = await env.currentTimeMs();
    const h = await env.client.workflow.start('cronTick', { taskQueue, workflowId, args: ['hourly'], cronSchedule: '0 * * * *' });
    const d = await h.describe();
    assert.equal(d.status.name, 'RUNNING');
    assert.equal(d.cronSchedule, '0 * * * *');
    assert.equal(d.executionTime.getTime(), nextHour(t0), 'the first run waits for the next full hour');

    await env.sleep(nextHour(t0) - t0 + 10_000); // past the first run's time: it ran, the second waits
    const first = await env.client.workflow.result(workflowId, h.firstExecutionRunId, { followRuns: false });
    const { waitedMs, ...rest } = first as { waitedMs: number };
    assert.deepEqual(rest, { label: 'hourly', count: 1, cronSchedule: '0 * * * *' });
    // The engine clock runs on with real time between the calls: a bound, not an exact value.
    assert.ok(waitedMs <= nextHour(t0) - t0 && waitedMs > nextHour(t0) - t0 - 10_000, `waited ${waitedMs} ms for the hour`);

    await env.sleep(HOUR);
    const second = await env.client.workflow.getHandle(workflowId).describe();
    assert.equal(second.firstExecutionRunId, h.firstExecutionRunId, 'the chain keeps its first run');
    assert.equal(second.executionTime.getTime(), nextHour(t0) + 2 * HOUR, 'the third run waits for the hour after');

    await h.cancel(); // the handle start() returned reaches the chain's current run
    await assert.rejects(h.result(), (e: unknown) => e instanceof WorkflowFailedError && e.cause instanceof CancelledFailure);
    const runs: { status: string }[] = [];
    for await (const r of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ status: r.status.name });
    assert.deepEqual(runs.map((r) => r.status).sort(), ['CANCELLED', 'COMPLETED', 'COMPLETED'], 'three runs; the cancelled one ended the chain');
    const lastOk = await env.client.workflow.result(workflowId, undefined, { followRuns: false }).catch((e: unknown) => e);
    assert.ok(lastOk instanceof WorkflowFailedError);
  });

  it('startDelay: the first task waits; a signal ends the wait early', async () => {
    const t0 = await env.currentTimeMs();
    const h = await env.client.workflow.start('startedAt', { taskQueue, workflowId: uid('delayed'), startDelay: '2 hours' });
    const at = (await h.describe()).executionTime.getTime() - t0;
    assert.ok(at >= 2 * HOUR && at < 2 * HOUR + 10_000, `its code starts 2 hours after the start (${at} ms)`);
    const began = (await h.result()) as number;
    assert.ok(began >= t0 + 2 * HOUR, 'its code ran after the delay');

    const t1 = await env.currentTimeMs();
    const signalled = await env.client.workflow.signalWithStart('startedAt', { taskQueue, workflowId: uid('delayed'), startDelay: '1 day', signal: 'wake' });
    await signalled.signal('wake'); // a signal after the start ends the delay (the start's own does not)
    assert.ok(((await signalled.result()) as number) < t1 + HOUR, 'it ran long before the day was up');
  });

  it('refuses a bad cron schedule, and cronSchedule with startDelay, naming the option', async () => {
    await assert.rejects(env.client.workflow.start('cronTick', { taskQueue, workflowId: uid(), cronSchedule: '61 * * * *' }), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT' && /cronSchedule '61 \* \* \* \*': minute field/.test(e.message));
    await assert.rejects(env.client.workflow.start('cronTick', { taskQueue, workflowId: uid(), cronSchedule: '@hourly', startDelay: '1 minute' }), /cronSchedule and startDelay cannot be used together/);
  });
});
