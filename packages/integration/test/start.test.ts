import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowExecutionAlreadyStartedError, ServiceError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('starting workflows', () => {
  let env: TestEnv;
  const taskQueue = 'start';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities });
  });
  after(() => env.close());

  it('refuses a second start of a running id by default, and USE_EXISTING returns the running one', async () => {
    const id = uid();
    const first = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id });
    await assert.rejects(env.client.workflow.start('waitsForever', { taskQueue, workflowId: id }), (e: unknown) => e instanceof WorkflowExecutionAlreadyStartedError && /already running/.test(e.message));
    const again = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id, workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
    assert.equal(again.firstExecutionRunId, first.firstExecutionRunId);
    await first.terminate();
  });

  it('TERMINATE_EXISTING ends the running run and starts a new one', async () => {
    const id = uid();
    const first = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id });
    const second = await env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: id, args: [2], workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
    assert.notEqual(second.firstExecutionRunId, first.firstExecutionRunId);
    assert.equal((await env.client.workflow.getHandle(id, first.firstExecutionRunId).describe()).status.name, 'TERMINATED');
    assert.equal(await second.result(), 2);
  });

  it('applies the reuse policy to closed runs', async () => {
    const done = uid();
    await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: done, args: [1] });
    // ALLOW_DUPLICATE (the default) starts again.
    assert.equal(await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: done, args: [2] }), 2);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: done, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }), WorkflowExecutionAlreadyStartedError);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: done, workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }), /completed successfully/);
    const failed = uid();
    await env.client.workflow.execute('failsWithApplicationFailure', { taskQueue, workflowId: failed }).catch(() => {});
    const h = await env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: failed, args: [3], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' });
    assert.equal(await h.result(), 3);
  });

  it('getHandle without a run id follows the latest run', async () => {
    const id = uid();
    await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: id, args: ['old'] });
    await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: id, args: ['new'] });
    assert.equal(await env.client.workflow.getHandle(id).result(), 'new');
  });

  it('explains arguments that JSON cannot carry, naming the argument', async () => {
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: [() => 1] }), /argument 0: cannot serialize: value is a function/);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: [{ ids: new Set([1]) }] }), /value\.ids is a Set/);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: [10n] }), /BigInt/);
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: [loop] }), /circular/);
  });

  it('refuses input over the payload limit with an error naming the limit', async () => {
    await assert.rejects(
      env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: ['y'.repeat(2 * 1024 * 1024 + 10)] }),
      (e: unknown) => e instanceof ServiceError && e.code === 'PAYLOAD_TOO_LARGE' && /over the 2\.0 MB payload limit/.test(e.message),
    );
  });

  it('takes the payload limit from the embedded engine options', async () => {
    const { Connection, Client } = await import('@endure/client');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'endure-limit-'));
    const connection = await Connection.connect({ address: `sqlite:${join(dir, 'l.db')}`, embedded: { maxPayloadBytes: 1000 } });
    try {
      const client = new Client({ connection });
      await assert.rejects(client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), args: ['z'.repeat(2000)] }), /is 2\.0 KB, over the 1000 bytes payload limit/);
      await assert.rejects(Connection.connect({ address: `sqlite:${join(dir, 'x.db')}`, embedded: { maxPayloadBytes: -1 } }), /embedded\.maxPayloadBytes must be a positive whole number/);
      // A second connection to the open engine joins it with the first one's settings: the same
      // value or none is fine; another is refused by name rather than ignored. Another spelling
      // of the same file joins the same engine.
      for (const embedded of [{ maxPayloadBytes: 1000 }, {}]) await (await Connection.connect({ address: `sqlite:${join(dir, '.', 'l.db')}`, embedded })).close();
      await assert.rejects(
        Connection.connect({ address: `sqlite:${join(dir, 'l.db')}`, embedded: { maxPayloadBytes: 5000 } }),
        /embedded\.maxPayloadBytes: the engine on .*l\.db is already open in this process with 1000; its settings are those of the connection that opened it/,
      );
    } finally {
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing or malformed option', async () => {
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue: '', workflowId: uid() }), /options\.taskQueue is required/);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: '' }), /options\.workflowId is required/);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: uid(), workflowRunTimeout: '3 fortnights' }), /workflowRunTimeout: cannot read '3 fortnights' as a duration/);
    await assert.rejects(env.client.workflow.start('echoWorkflow', { taskQueue, workflowId: 'x'.repeat(1001) }), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT' && /workflowId: workflowId must be at most 1000 characters/.test(e.message));
  });
});
