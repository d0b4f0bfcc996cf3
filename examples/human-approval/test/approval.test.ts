import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '@endure/testing';

const workflowsPath = fileURLToPath(new URL('../src/workflows.js', import.meta.url));

describe('human approval sample', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  before(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping();
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'approvals', workflowsPath });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
  });

  it('returns the decision sent by signal, and answers a status query meanwhile', async () => {
    const h = await env.client.workflow.start('approval', { taskQueue: 'approvals', workflowId: 'approve-1', args: ['PO-17'] });
    assert.equal(await h.query('status'), 'waiting for a decision on PO-17');
    await h.signal('decide', { approved: true, by: 'alice' });
    assert.equal(await h.result(), 'approved by alice');
  });

  it('rejects after 24 hours without a decision, without waiting 24 hours', async () => {
    const started = Date.now();
    const h = await env.client.workflow.start('approval', { taskQueue: 'approvals', workflowId: 'approve-2', args: ['PO-18'] });
    assert.equal(await h.result(), 'rejected: no decision on PO-18 within 24 hours');
    assert.ok(Date.now() - started < 10_000, 'took real seconds, not a day');
  });
});
