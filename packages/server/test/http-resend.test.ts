// Exactly once across a connection that drops after the server committed: each change is resent
// with the same idempotency key and recorded once (issue: a signal that resolved once was
// recorded twice when a keep-alive socket was reset and the transport resent it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@endure/client';
import type { HistoryEvent } from '@endure/protocol';
import { startTestServer, type TestServer } from './http-support/harness.js';
import { startResettingProxy, type ResettingProxy } from './http-support/resetting-proxy.js';
import { startOrderApp, type OrderApp } from './http-support/order-app.js';

const count = (events: HistoryEvent[], type: HistoryEvent['type']) => events.filter((e) => e.type === type).length;

describe('a connection dropped after the server committed', () => {
  let ts: TestServer;
  let proxy: ResettingProxy;
  let app: OrderApp;
  let client: Client;
  let charges = 0;

  before(async () => {
    ts = await startTestServer();
    proxy = await startResettingProxy(ts.url, ['startWorkflow', 'signalWorkflow', 'updateWorkflow', 'completeActivityTask', 'requestCancelWorkflow', 'terminateWorkflow', 'completeWorkflowTask']);
    app = await startOrderApp(proxy.url, { charge: async (amount: number) => `receipt-${amount}-${++charges}`, ship: async (item: string) => `shipped-${item}` }, 'ERROR');
    client = app.client;
  });

  after(async () => {
    await app.close();
    await proxy.close();
    await ts.close();
  });

  it('records a start, a signal, an update, an activity completion and a workflow task completion once each', async () => {
    const h = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-1', args: [7] });
    await h.executeUpdate('addItem', { args: ['book'] });
    await h.signal('approve', 'ann');
    const result = (await h.result()) as { receipt: string; items: string[] };
    assert.deepEqual(result.items, ['book']);
    const { events } = await h.fetchHistory();
    assert.deepEqual(events.map((e) => e.eventId), events.map((_, i) => i + 1), 'gap-free');
    assert.equal(count(events, 'WorkflowExecutionSignaled'), 1);
    assert.equal(count(events, 'WorkflowExecutionUpdateAccepted'), 1);
    assert.equal(count(events, 'ActivityTaskScheduled'), 2);
    assert.equal(count(events, 'ActivityTaskCompleted'), 2, 'charge and ship each completed once');
    assert.equal(count(events, 'WorkflowExecutionCompleted'), 1);
    assert.equal((await client.workflow.count("WorkflowId = 'order-1'")).count, 1, 'one run started');
    for (const op of ['startWorkflow', 'signalWorkflow', 'updateWorkflow', 'completeActivityTask', 'completeWorkflowTask']) {
      assert.ok(proxy.dropped.includes(op), `the proxy dropped the answer to ${op} (dropped: ${proxy.dropped.join(', ')})`);
    }
  });

  it('records a cancel request and a terminate once each', async () => {
    const cancelled = await client.workflow.start('waiter', { taskQueue: 'orders', workflowId: 'w-cancel' });
    await cancelled.cancel();
    const terminated = await client.workflow.start('waiter', { taskQueue: 'orders', workflowId: 'w-terminate' });
    await terminated.terminate('enough');
    assert.equal(count((await cancelled.fetchHistory()).events, 'WorkflowExecutionCancelRequested'), 1);
    const t = (await terminated.fetchHistory()).events;
    assert.equal(count(t, 'WorkflowExecutionTerminated'), 1);
    assert.equal(t[t.length - 1]!.type, 'WorkflowExecutionTerminated');
    assert.ok(proxy.dropped.includes('requestCancelWorkflow') && proxy.dropped.includes('terminateWorkflow'), `dropped: ${proxy.dropped.join(', ')}`);
  });
});
