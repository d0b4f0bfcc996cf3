import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueryFailedError, QueryNotRegisteredError, WorkflowFailedError } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('signals, queries and cancellation scopes', () => {
  let env: TestEnv;
  const taskQueue = 'messages';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('messages'), activities: makeActivities().activities });
    // A second worker with no cache: its tasks (and queries) always replay from history.
    await env.startWorker({ taskQueue: 'messages-replay', workflowsPath: workflowsPath('messages'), activities: makeActivities().activities, maxCachedWorkflows: 0 });
  });
  after(() => env.close());

  it('delivers signals with their arguments, answers queries, and records signals in history', async () => {
    const h = await env.client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await h.signal('addItem', 'apple');
    await h.signal({ type: 'signal', name: 'addItem' }, 'pear');
    // A query sees the state after the last workflow task; wait until the signals were handled.
    await env.waitFor(h, (d) => d.pendingWorkflowTask === undefined && d.historyLength >= 5);
    assert.deepEqual(await h.query('getItems'), ['apple', 'pear']);
    assert.equal(await h.query<number, [number]>('itemCount', 10), 12);
    await h.signal('checkout');
    assert.deepEqual(await h.result(), ['apple', 'pear']);
    const signaled = (await h.fetchHistory()).events.filter((e) => e.type === 'WorkflowExecutionSignaled');
    assert.deepEqual(signaled.map((e) => e.type === 'WorkflowExecutionSignaled' && e.attributes.signalName), ['addItem', 'addItem', 'checkout']);
    assert.ok(!(await h.fetchHistory()).events.some((e) => e.type.includes('Query')), 'queries are never recorded');
  });

  it('a query sees every signal sent before it (it waits for the pending workflow task)', async () => {
    const handle = await env.client.workflow.start('cart', { taskQueue, workflowId: uid('consistent') });
    for (let i = 0; i < 15; i++) {
      await handle.signal('addItem', `item-${i}`);
      assert.equal(((await handle.query('getItems')) as string[]).length, i + 1, `query after signal ${i}`);
    }
    await handle.signal('checkout');
    assert.equal(((await handle.result()) as string[]).length, 15);
  });

  it('buffers signals sent before their handler exists and delivers them in order', async () => {
    const h = await env.client.workflow.start('lateHandler', { taskQueue, workflowId: uid() });
    for (const item of ['one', 'two', 'three']) await h.signal('addItem', item);
    assert.deepEqual(await h.result(), ['one', 'two', 'three']);
  });

  it('hands unhandled signals to the default handler', async () => {
    const h = await env.client.workflow.start('defaultHandler', { taskQueue, workflowId: uid() });
    await h.signal('x', 1);
    await h.signal('y', 'a', 'b');
    assert.deepEqual(await h.result(), [['x', 1], ['y', 'a', 'b']]);
  });

  it('signalWithStart starts a workflow with its first signal, or signals the running one', async () => {
    const id = uid();
    const first = await env.client.workflow.signalWithStart('cart', { taskQueue, workflowId: id, signal: 'addItem', signalArgs: ['kiwi'] });
    const second = await env.client.workflow.signalWithStart('cart', { taskQueue, workflowId: id, signal: 'addItem', signalArgs: ['fig'] });
    assert.equal(second.runId, first.runId);
    await first.signal('checkout');
    assert.deepEqual(await first.result(), ['kiwi', 'fig']);
  });

  it('answers queries by replay when the run is not cached, and on closed workflows', async () => {
    const h = await env.client.workflow.start('cart', { taskQueue: 'messages-replay', workflowId: uid() });
    await h.signal('addItem', 'plum');
    await env.waitFor(h, (d) => d.pendingWorkflowTask === undefined && d.historyLength >= 4);
    assert.deepEqual(await h.query('getItems'), ['plum']);
    await h.signal('checkout');
    await h.result();
    assert.deepEqual(await h.query('getItems'), ['plum'], 'a closed workflow still answers from its history');
  });

  it('explains unregistered queries, queries that try to change state, and offers __stack_trace', async () => {
    const h = await env.client.workflow.start('mutatingQuery', { taskQueue, workflowId: uid() });
    await assert.rejects(h.query('nope'), (e: unknown) => e instanceof QueryNotRegisteredError && /query 'nope' is not registered by this workflow \(registered: sneaky/.test(e.message));
    await assert.rejects(h.query('sneaky'), (e: unknown) => e instanceof QueryFailedError && /queries must not change workflow state/.test(e.message));
    assert.match(String(await h.query('__stack_trace')), /waiting for a condition/);
    const before = (await h.fetchHistory()).events.length;
    await h.terminate();
    assert.equal((await h.fetchHistory()).events.length, before + 1, 'the failed query wrote nothing');
  });

  it('refuses a signal to a closed workflow', async () => {
    const h = await env.client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await h.terminate();
    await assert.rejects(h.signal('addItem', 'late'), /already closed \(TERMINATED\): it cannot receive signal 'addItem'/);
  });

  it('keeps memo and search attributes from the start and from upserts, for workflow code and describe()', async () => {
    // Search attributes are indexed by type: custom keys are registered first (as in Temporal).
    await env.connection.engine.addSearchAttributes({ namespace: 'default', searchAttributes: { CustomerTier: 'Keyword', Region: 'Keyword' } });
    const h = await env.client.workflow.start('tagged', {
      taskQueue,
      workflowId: uid(),
      memo: { owner: 'ops', ticket: 42 },
      searchAttributes: { CustomerTier: 'silver', Region: 'eu' },
    });
    const d = await env.waitFor(h, (x) => x.memo['note'] === 'reviewed');
    assert.deepEqual(d.memo, { owner: 'ops', ticket: 42, note: 'reviewed' });
    assert.deepEqual(d.searchAttributes, { CustomerTier: 'gold' });
    await h.signal('checkout');
    assert.deepEqual(await h.result(), {
      before: { memo: { owner: 'ops', ticket: 42 }, searchAttributes: { CustomerTier: 'silver', Region: 'eu' } },
      after: { memo: { owner: 'ops', ticket: 42, note: 'reviewed' }, searchAttributes: { CustomerTier: 'gold' } },
    });
    await assert.rejects(
      env.client.workflow.start('tagged', { taskQueue, workflowId: uid(), searchAttributes: { 'bad-name': 1 } }),
      /searchAttributes\.bad-name: search attribute names are letters, digits and _/,
    );
    await assert.rejects(
      env.client.workflow.start('tagged', { taskQueue, workflowId: uid(), searchAttributes: { Unregistered: 'x' } }),
      /search attribute 'Unregistered' is not registered in namespace 'default'; register it with its type first: endure operator search-attribute create --name Unregistered --type Keyword/,
    );
    await assert.rejects(
      env.client.workflow.start('tagged', { taskQueue, workflowId: uid(), searchAttributes: { CustomerTier: 42 } }),
      /search attribute 'CustomerTier' is registered as Keyword, so its value must be a string; got the integer 42/,
    );
  });

  it('cancels a timer through its own scope', async () => {
    const h = await env.client.workflow.start('cancelTimerInScope', { taskQueue, workflowId: uid() });
    assert.equal(await h.result(), true);
    assert.ok((await h.fetchHistory()).events.some((e) => e.type === 'TimerCanceled'));
  });

  it('CancellationScope.withTimeout cancels what runs inside it', async () => {
    assert.equal(await env.client.workflow.execute('withTimeoutScope', { taskQueue, workflowId: uid() }), 'timed out');
  });

  it('runs cleanup in a non-cancellable scope after the workflow is cancelled', async () => {
    const h = await env.client.workflow.start('cleanupOnCancel', { taskQueue, workflowId: uid() });
    await env.waitFor(h, (d) => d.historyLength >= 2);
    await h.cancel();
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError && err.cause?.name === 'CancelledFailure');
    const { events } = await h.fetchHistory();
    assert.ok(events.some((e) => e.type === 'ActivityTaskCompleted'), 'the cleanup activity ran to completion');
    assert.equal(events.at(-1)?.type, 'WorkflowExecutionCanceled');
  });

  it('shields a non-cancellable sleep from the workflow being cancelled', async () => {
    const h = await env.client.workflow.start('shieldedSleep', { taskQueue, workflowId: uid() });
    await env.waitFor(h, (d) => d.historyLength >= 3);
    await h.cancel();
    assert.equal(await h.result(), 'finished the shielded sleep');
  });
});
