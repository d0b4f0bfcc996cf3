// A workflow started on a task queue no worker polls waits forever: describe() and
// client.taskQueue.describe() say so, and name the queues workers do poll, the closest first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@endure/client';
import { TestEnv, workflowsPath } from '../src/harness.js';

describe('hints for a task queue no worker polls', () => {
  let env: TestEnv;
  // Names unique to this process, so that a typo of one is still close to it and far from the other.
  const orders = `orders-${process.pid}`;
  const emails = `emails-${process.pid}`;
  const typo = `ordrs-${process.pid}`;
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue: orders, workflowsPath: workflowsPath('basic') });
    await env.startWorker({ taskQueue: emails, workflowsPath: workflowsPath('basic') });
  });
  after(() => env.close());

  it("describe() of a run on a mistyped queue says no worker polls it and asks 'did you mean'", async () => {
    const h = await env.client.workflow.start('waitsForever', { taskQueue: typo, workflowId: `typo-${process.pid}` });
    const d = await h.describe();
    assert.deepEqual(d.taskQueuePolling, {
      taskQueue: typo,
      polledRecently: false,
      polledTaskQueues: [orders, emails],
      hint: `no worker has polled task queue '${typo}' for workflow tasks in the last 5 minutes; did you mean '${orders}'? (workers poll '${orders}', '${emails}')`,
    });
    await h.terminate();
    assert.equal((await h.describe()).taskQueuePolling, undefined, 'a closed run waits for nothing');
  });

  it('describe() of a run on a polled queue says it is polled, with no hint', async () => {
    const h = await env.client.workflow.start('waitsForever', { taskQueue: orders, workflowId: `polled-${process.pid}` });
    assert.deepEqual((await h.describe()).taskQueuePolling, { taskQueue: orders, polledRecently: true, polledTaskQueues: [emails] });
    await h.terminate();
  });

  it('taskQueue.describe() of an unpolled queue lists the polled ones, without a guess when none is close', async () => {
    const far = await env.client.taskQueue.describe('zzz');
    assert.deepEqual(far.polling, {
      taskQueue: 'zzz',
      polledRecently: false,
      polledTaskQueues: [emails, orders],
      hint: `no worker has polled task queue 'zzz' in the last 5 minutes (workers poll '${emails}', '${orders}')`,
    });
    assert.equal((await env.client.taskQueue.describe(typo)).polling.polledTaskQueues[0], orders);
    assert.equal((await env.client.taskQueue.describe(orders)).polling.polledRecently, true);
  });

  it('in a namespace where no worker polls anything, says to start one on that queue', async () => {
    const namespace = `lonely-${process.pid}`;
    await env.client.operator.registerNamespace({ namespace });
    const client = new Client({ connection: env.connection, namespace });
    const h = await client.workflow.start('waitsForever', { taskQueue: orders, workflowId: `lonely-${process.pid}` });
    const d = await h.describe();
    assert.equal(
      d.taskQueuePolling?.hint,
      `no worker has polled task queue '${orders}' for workflow tasks in the last 5 minutes, nor any other task queue of namespace '${namespace}': start a Worker with taskQueue '${orders}'`,
    );
    await h.terminate();
  });
});
