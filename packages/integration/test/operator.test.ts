import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ServiceError } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

const DAY = 86_400_000;

describe('client.operator: namespaces and search attributes', () => {
  let env: TestEnv;
  before(async () => {
    env = await TestEnv.create();
  });
  after(() => env.close());

  it('registers, describes and lists namespaces', async () => {
    const ns = uid('ns');
    const created = await env.client.operator.registerNamespace({ namespace: ns, description: 'orders team', retention: '7 days' });
    assert.equal(created.namespace, ns);
    assert.equal(created.retentionMs, 7 * DAY);
    const d = await env.client.operator.describeNamespace(ns);
    assert.equal(d.description, 'orders team');
    assert.equal(d.retentionMs, 7 * DAY);
    assert.equal(d.searchAttributes['CustomKeywordField'], 'Keyword');
    const names = (await env.client.operator.listNamespaces()).map((n) => n.namespace);
    assert.ok(names.includes('default') && names.includes(ns), `namespaces: ${names.join(', ')}`);
  });

  it('refuses a duplicate namespace and reports an unknown one', async () => {
    const ns = uid('ns');
    await env.client.operator.registerNamespace({ namespace: ns });
    await assert.rejects(env.client.operator.registerNamespace({ namespace: ns }), (e: unknown) => e instanceof ServiceError && e.message.includes(ns));
    await assert.rejects(env.client.operator.describeNamespace(uid('missing')), (e: unknown) => e instanceof ServiceError && e.code === 'NOT_FOUND');
    await assert.rejects(env.client.operator.registerNamespace({ namespace: 'bad name!' }), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(env.client.operator.registerNamespace({ namespace: uid('ns'), retention: 'soon' }), /retention/);
  });

  it('adds search attributes and lists them beside the built-in ones', async () => {
    await env.client.operator.addSearchAttributes({ CustomerId: 'Keyword', Amount: 'Double' });
    const sa = await env.client.operator.listSearchAttributes();
    assert.equal(sa.custom['CustomerId'], 'Keyword');
    assert.equal(sa.custom['Amount'], 'Double');
    assert.equal(sa.system['WorkflowId'], 'Keyword');
    assert.equal(sa.system['StartTime'], 'Datetime');
    await assert.rejects(env.client.operator.addSearchAttributes({ 'not ok': 'Keyword' }), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT');
  });

  it('keeps one namespace’s runs invisible to another', async () => {
    const ns = uid('ns');
    await env.client.operator.registerNamespace({ namespace: ns });
    const id = uid('isolated');
    await env.client.workflow.start('waitsForever', { taskQueue: 'nobody-polls', workflowId: id });
    const other = new Client({ connection: env.connection, namespace: ns });
    assert.equal((await other.workflow.count(`WorkflowId = '${id}'`)).count, 0);
    assert.equal((await env.client.workflow.count(`WorkflowId = '${id}'`)).count, 1);
    await env.client.workflow.getHandle(id).terminate();
  });
});

describe('client.taskQueue.describe', () => {
  let env: TestEnv;
  before(async () => {
    env = await TestEnv.create();
  });
  after(() => env.close());

  it('shows the pollers of a queue with a worker, and the backlog of a queue without one', async () => {
    const taskQueue = uid('tq');
    await env.startWorker({ taskQueue, identity: 'worker-A', workflowsPath: workflowsPath('basic'), activities: makeActivities().activities });
    await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: uid(), args: [1] });
    const polled = await env.client.taskQueue.describe(taskQueue);
    assert.deepEqual(polled.workflow.pollers.map((p) => p.identity), ['worker-A']);
    assert.ok(polled.workflow.pollers[0]!.lastAccessTime > Date.now() - 60_000);

    const idle = uid('idle');
    await env.client.workflow.start('waitsForever', { taskQueue: idle, workflowId: uid() });
    await env.client.workflow.start('waitsForever', { taskQueue: idle, workflowId: uid() });
    const waiting = await env.client.taskQueue.describe(idle);
    assert.deepEqual(waiting.workflow.pollers, []);
    assert.equal(waiting.workflow.backlog, 2);
    assert.equal(waiting.activity.backlog, 0);
  });
});
