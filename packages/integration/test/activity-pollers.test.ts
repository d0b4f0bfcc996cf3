// Task polls: several pollers share the execution slots, each asking for as many tasks as are
// free, so a burst of ready tasks comes in one exchange; never more run at once than
// maxConcurrentActivityTaskExecutions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@endure/worker';
import type { EngineApi, PollTasksRequest } from '@endure/protocol';
import { TestEnv, engineWith, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

async function waitFor(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('task pollers', () => {
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

  it('one poll takes a burst of ready tasks, asking for no more than the free slots', async () => {
    const taskQueue = 'pollers-burst';
    // Twelve workflows wait at a schedule before any worker polls: twelve ready activity tasks.
    const handles = await Promise.all(Array.from({ length: 12 }, () => env.client.workflow.start('sequence', { taskQueue, workflowId: uid(), args: [1] })));
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic') }); // workflows only
    await waitFor(async () => (await env.client.taskQueue.describe(taskQueue)).activity.backlog === 12);
    const asked: number[] = [];
    const answered: number[] = [];
    const engine = env.connection.engine;
    const pollActivityTasks = async (req: PollTasksRequest, signal?: AbortSignal) => {
      asked.push(req.maxTasks);
      const r = await engine.pollActivityTasks(req, signal);
      answered.push(r.tasks.length);
      return r;
    };
    const watched = engineWith(engine, { pollActivityTasks });
    const worker = await Worker.create({ connection: { engine: watched }, taskQueue, activities: makeActivities().activities, maxConcurrentActivityTaskExecutions: 5, maxConcurrentActivityTaskPolls: 1 });
    const results = await worker.runUntil(() => Promise.all(handles.map((h) => h.result())));
    assert.deepEqual(results, handles.map(() => [0]));
    assert.equal(answered[0], 5, `the first poll took five ready tasks at once (answers: ${answered.join(', ')})`);
    assert.ok(asked.every((n) => n >= 1 && n <= 5), `never asked for more than the 5 slots: ${asked.join(', ')}`);
  });

  it('refuses a poller count below 1, naming the option', async () => {
    for (const option of ['maxConcurrentActivityTaskPolls', 'maxConcurrentWorkflowTaskPolls']) {
      await assert.rejects(
        Worker.create({ connection: env.connection, taskQueue: 'pollers-bad', activities: makeActivities().activities, [option]: 0 }),
        new RegExp(`${option} must be a whole number of at least 1, got 0`),
      );
    }
  });
});
