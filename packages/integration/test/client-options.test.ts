// The client's options as Temporal names them, each doing what Temporal's does: connection,
// namespace, identity, dataConverter.payloadConverter, workflow.queryRejectCondition (also on
// WorkflowClient); and the client methods Endure has no counterpart for, refused by name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  QueryRejectCondition,
  QueryRejectedError,
  ServiceError,
  UnsupportedOperationError,
  UnsupportedOptionError,
  WorkflowClient,
  WorkflowNotFoundError,
  type ClientOptions,
} from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';
import { payloadConverter as reversed } from '../src/reversed-converter.js';

describe('client options', () => {
  let env: TestEnv;
  const taskQueue = 'client-options';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('messages'), activities: makeActivities().activities });
  });
  after(() => env.close());

  it('connection: without one, a lazy connection to ENDURE_ADDRESS (else localhost:7233), opened by the first call', async () => {
    const saved = process.env['ENDURE_ADDRESS'];
    process.env['ENDURE_ADDRESS'] = env.address;
    try {
      for (const client of [new Client(), new Client({} as ClientOptions)]) {
        assert.equal(client.connection.address, env.address);
        const h = await client.workflow.start('cart', { taskQueue, workflowId: uid() });
        assert.equal((await env.client.workflow.getHandle(h.workflowId).describe()).status.name, 'RUNNING');
        await h.terminate();
        await client.connection.close();
      }
      const workflows = new WorkflowClient();
      assert.equal(workflows.connection.address, env.address);
      await workflows.connection.close();
      // Closed stays closed: a later call does not open (and hold) the engine again.
      await assert.rejects(workflows.getHandle(uid()).describe(), /the connection to .* is closed/);
    } finally {
      if (saved === undefined) delete process.env['ENDURE_ADDRESS'];
      else process.env['ENDURE_ADDRESS'] = saved;
    }
    delete process.env['ENDURE_ADDRESS'];
    try {
      assert.equal(new Client().connection.address, 'http://localhost:7233');
    } finally {
      if (saved !== undefined) process.env['ENDURE_ADDRESS'] = saved;
    }
  });

  it('namespace: the client works in that namespace only (default "default")', async () => {
    const elsewhere = new Client({ connection: env.connection, namespace: 'no-such-namespace' });
    assert.equal(elsewhere.options.namespace, 'no-such-namespace');
    assert.equal(env.client.options.namespace, 'default');
    await assert.rejects(elsewhere.workflow.start('cart', { taskQueue, workflowId: uid() }), /namespace 'no-such-namespace' is not registered/);
  });

  it('identity is recorded with what the client does (default pid@host)', async () => {
    const client = new Client({ connection: env.connection, identity: 'ops-console' });
    assert.match(env.client.options.identity, /^\d+@/);
    const h = await client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await h.signal('addItem', 'pen');
    const events = (await h.fetchHistory()).events;
    const started = events.find((e) => e.type === 'WorkflowExecutionStarted');
    const signalled = events.find((e) => e.type === 'WorkflowExecutionSignaled');
    assert.equal(started?.type === 'WorkflowExecutionStarted' && started.attributes.identity, 'ops-console');
    assert.equal(signalled?.type === 'WorkflowExecutionSignaled' && signalled.attributes.identity, 'ops-console');
    await h.terminate();
  });

  it('dataConverter.payloadConverter encodes what the client sends', async () => {
    const client = new Client({ connection: env.connection, dataConverter: { payloadConverter: reversed } });
    const h = await client.workflow.start('cart', { taskQueue, workflowId: uid(), memo: { note: 'hi' } });
    const started = (await h.fetchHistory()).events[0]!;
    assert.equal(started.type === 'WorkflowExecutionStarted' && started.attributes.memo?.['note']?.metadata['encoding'], 'json/reversed');
    assert.deepEqual((await client.workflow.getHandle(h.workflowId).describe()).memo, { note: 'hi' }, 'and decodes what it reads');
    await h.terminate();
  });

  it('workflow.queryRejectCondition refuses queries to closed runs (NOT_OPEN) or to runs that did not complete (NOT_COMPLETED_CLEANLY)', async () => {
    const h = await env.client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await h.signal('addItem', 'cup');
    await h.signal('checkout');
    await h.result();
    assert.deepEqual(await h.query('getItems'), ['cup'], 'by default a closed run answers queries');
    const notOpen = new Client({ connection: env.connection, workflow: { queryRejectCondition: QueryRejectCondition.NOT_OPEN } });
    await assert.rejects(notOpen.workflow.getHandle(h.workflowId).query('getItems'), (e: unknown) => e instanceof QueryRejectedError && e.status === 2);
    const cleanly = new WorkflowClient({ connection: env.connection, queryRejectCondition: 'NOT_COMPLETED_CLEANLY' });
    assert.deepEqual(await cleanly.getHandle(h.workflowId).query('getItems'), ['cup'], 'a completed run is still answered');
    const t = await env.client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await t.terminate();
    await assert.rejects(cleanly.getHandle(t.workflowId).query('getItems'), QueryRejectedError);
    assert.throws(() => new Client({ connection: env.connection, workflow: { queryRejectCondition: 'SOMETIMES' as QueryRejectCondition } }), /queryRejectCondition must be one of NONE, NOT_OPEN, NOT_COMPLETED_CLEANLY/);
  });

  it('withDeadline and withAbortSignal end the calls made inside them', async () => {
    const h = await env.client.workflow.start('cart', { taskQueue, workflowId: uid() });
    await assert.rejects(
      env.client.withDeadline(Date.now() + 200, () => h.result()),
      (e: unknown) => e instanceof ServiceError && e.code === 'DEADLINE_EXCEEDED',
    );
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    await assert.rejects(
      env.client.workflow.withAbortSignal(stop.signal, () => h.result()),
      (e: unknown) => e instanceof ServiceError && e.code === 'CANCELLED',
    );
    assert.deepEqual(await env.client.withDeadline(new Date(Date.now() + 60_000), () => h.query('getItems')), [], 'calls that finish in time are untouched');
    await h.terminate();
  });

  it('options Endure refuses do not compile (typed never), and are refused at run time too', async () => {
    // Each @ts-expect-error fails the build if the option became accepted by the type.
    // @ts-expect-error -- interceptors is not supported
    assert.throws(() => new Client({ connection: env.connection, interceptors: {} }), UnsupportedOptionError);
    // @ts-expect-error -- payloadCodecs is not supported
    assert.throws(() => new Client({ connection: env.connection, dataConverter: { payloadCodecs: [] } }), UnsupportedOptionError);
    // @ts-expect-error -- workflows are not retried
    await assert.rejects(env.client.workflow.start('cart', { taskQueue, workflowId: uid(), retry: { maximumAttempts: 3 } }), /option 'retry' is not supported by Endure: Endure does not retry workflows/);
    // @ts-expect-error -- there is no eager start
    await assert.rejects(env.client.workflow.start('cart', { taskQueue, workflowId: uid(), requestEagerStart: true }), UnsupportedOptionError);
  });

  it('what Temporal has and Endure does not is refused by name', async () => {
    const refused = (name: string) => (e: unknown) => e instanceof UnsupportedOperationError && e.operation === name && e.message.startsWith(`${name} is not supported by Endure: `);
    assert.throws(() => env.client.workflowService, refused('client.workflowService'));
    assert.throws(() => env.client.workflow.workflowService, refused('client.workflow.workflowService'));
    assert.throws(() => env.client.withMetadata({ a: '1' }, async () => 1), refused('client.withMetadata'));
    await assert.rejects(env.client.schedule.create({}), refused('client.schedule.create'));
    assert.throws(() => env.client.schedule.getHandle('s'), refused('client.schedule.getHandle'));
    await assert.rejects(env.client.taskQueue.getReachability({}), refused('client.taskQueue.getReachability'));
    await assert.rejects(env.client.workflow.getHandle('nobody').describe(), WorkflowNotFoundError);
  });
});
