import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '../src/index.js';
import * as activities from './activities.js';
import { quietLogger, uid, workflowsPath } from './helpers.js';
import { longWait, raceTimerAndActivity, raceTimerAndLongActivity } from './workflows/timing.js';

const DAY = 24 * 3600_000;

describe('TestWorkflowEnvironment.createTimeSkipping', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'skipping';

  before(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      activities: { ...activities, longRunning: () => env.sleep('1000s') },
      logger: quietLogger,
    });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
  });

  it('skips a day of sleep and a day-long condition timeout in well under a second', async () => {
    assert.equal(env.supportsTimeSkipping, true);
    const start = await env.currentTimeMs();
    const t0 = Date.now();
    const r = await env.client.workflow.execute(longWait, { taskQueue, workflowId: uid() });
    const realMs = Date.now() - t0;
    assert.ok(realMs < 1000, `took ${realMs} ms of real time`);
    assert.equal(r.conditionResult, false);
    assert.ok(r.slept >= DAY && r.slept < DAY + 1000, `Date.now() moved ${r.slept} ms across sleep('24 hours')`);
    assert.ok(r.waited >= DAY && r.waited < DAY + 1000, `Date.now() moved ${r.waited} ms across condition(.., '1 day')`);
    assert.ok((await env.currentTimeMs()) - start >= 2 * DAY);
  });

  it('env.sleep advances the engine clock by the duration', async () => {
    const before = await env.currentTimeMs();
    const t0 = Date.now();
    await env.sleep('1 hour');
    const moved = (await env.currentTimeMs()) - before;
    assert.ok(moved >= 3600_000 && moved < 3600_000 + 1000, `moved ${moved} ms`);
    assert.ok(Date.now() - t0 < 500);
  });

  it('does not skip past a running activity: a 100 ms activity beats a 5 s timer', async () => {
    const t0 = Date.now();
    const r = await env.client.workflow.execute(raceTimerAndActivity, { taskQueue, workflowId: uid(), args: [100] });
    assert.equal(r, 'activity');
    assert.ok(Date.now() - t0 >= 100);
  });

  it('env.sleep inside an activity lets the workflow timer win (Temporal example)', async () => {
    const r = await env.client.workflow.execute(raceTimerAndLongActivity, { taskQueue, workflowId: uid() });
    assert.equal(r, 'timer');
  });

  it('skips time only while a result is awaited, as Temporal does', async () => {
    const h = await env.client.workflow.start(longWait, { taskQueue, workflowId: uid() });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await h.describe()).status.name, 'RUNNING');
    const r = await h.result();
    assert.equal(r.conditionResult, false);
  });
});
