// Concurrent activity polls (maxConcurrentActivityTaskPolls): several pollers share the
// execution slots, so more activities run at once than one poller could fetch, and never more
// than maxConcurrentActivityTaskExecutions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('activity pollers', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it('runs activities fetched by several pollers, never more at once than the execution slots', async () => {
    const taskQueue = 'pollers';
    let running = 0;
    let most = 0;
    const activities = {
      ...makeActivities().activities,
      async echoActivity(x: unknown): Promise<unknown> {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 100));
        running--;
        return x;
      },
    };
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities, maxConcurrentActivityTaskExecutions: 3, maxConcurrentActivityTaskPolls: 3 });
    const results = await Promise.all(Array.from({ length: 9 }, () => env.client.workflow.execute('sequence', { taskQueue, workflowId: uid(), args: [1] })));
    assert.deepEqual(results, Array.from({ length: 9 }, () => [0]));
    assert.ok(most <= 3, `at most 3 activities at once, saw ${most}`);
    assert.ok(most >= 2, `several pollers fetched activities concurrently, saw at most ${most} at once`);
  });

  it('refuses a poller count below 1, naming the option', async () => {
    await assert.rejects(
      Worker.create({ connection: env.connection, taskQueue: 'pollers-bad', activities: makeActivities().activities, maxConcurrentActivityTaskPolls: 0 }),
      /maxConcurrentActivityTaskPolls must be a whole number of at least 1, got 0/,
    );
  });
});
