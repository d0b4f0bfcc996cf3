// The same client and worker code as in embedded mode, against a real server over http://.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError, type Client } from '@endure/client';
import { startTestServer, type TestServer } from './http-support/harness.js';
import { startOrderApp, type OrderApp } from './http-support/order-app.js';

describe('client and worker over http://', () => {
  let ts: TestServer;
  let app: OrderApp;
  let client: Client;
  const shipped: string[] = [];

  before(async () => {
    ts = await startTestServer();
    app = await startOrderApp(ts.url, {
      charge: async (amount: number) => `receipt-${amount}`,
      ship: async (item: string) => {
        shipped.push(item);
        return `shipped-${item}`;
      },
    });
    client = app.client;
  });

  after(async () => {
    await app.close();
    await ts.close();
  });

  it('runs a workflow with activities, a signal, a query, an update and a timer', async () => {
    const h = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-1', args: [42] });
    for (let i = 0; (await h.query<string>('stage')) !== 'charged'; i++) {
      assert.ok(i < 200, 'the charge activity ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await h.executeUpdate<number, [string]>('addItem', { args: ['book'] }), 1);
    assert.equal(await h.executeUpdate<number, [string]>('addItem', { args: ['lamp'] }), 2);
    await assert.rejects(h.executeUpdate('addItem', { args: [''] }), (e: unknown) => e instanceof WorkflowUpdateFailedError && /item must not be empty/.test(e.message));
    await h.signal('approve', 'ann');
    assert.deepEqual(await h.result(), { receipt: 'receipt-42', items: ['book', 'lamp'], approvedBy: 'ann', shipped: ['shipped-book', 'shipped-lamp'] });
    assert.deepEqual(shipped.sort(), ['book', 'lamp']);
    assert.equal(await h.query('stage'), 'done', 'queries work on closed runs too');

    const types = (await h.fetchHistory()).events.map((e) => e.type);
    for (const t of ['ActivityTaskCompleted', 'WorkflowExecutionSignaled', 'WorkflowExecutionUpdateAccepted', 'TimerStarted', 'TimerFired', 'WorkflowExecutionCompleted']) {
      assert.ok(types.includes(t as (typeof types)[number]), `history has ${t}: ${types.join(', ')}`);
    }
    const d = await h.describe();
    assert.equal(d.status.name, 'COMPLETED');
  });

  it('reports server errors as the client errors of embedded mode', async () => {
    await client.workflow.start('waiter', { taskQueue: 'orders', workflowId: 'dup-1' });
    await assert.rejects(client.workflow.start('waiter', { taskQueue: 'orders', workflowId: 'dup-1' }), { name: 'WorkflowExecutionAlreadyStartedError' });
    await assert.rejects(client.workflow.getHandle('no-such-workflow').describe(), { name: 'WorkflowNotFoundError' });
    await client.workflow.getHandle('dup-1').terminate('test over');
    await assert.rejects(client.workflow.getHandle('dup-1').result(), { name: 'WorkflowFailedError' });
  });

  it('cancels a workflow and reads the cancellation over HTTP', async () => {
    const h = await client.workflow.start('waiter', { taskQueue: 'orders', workflowId: 'cancel-1' });
    await h.cancel();
    await assert.rejects(h.result(), (e: unknown) => e instanceof Error && /cancel/i.test(e.message));
  });
});
