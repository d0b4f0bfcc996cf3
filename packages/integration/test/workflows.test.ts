import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowNotFoundError } from '@endure/client';
import { RetryState } from '@endure/common';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('workflows', () => {
  let env: TestEnv;
  const taskQueue = 'workflows';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities });
  });
  after(() => env.close());

  it('returns the workflow result, and execute() is start + result', async () => {
    assert.deepEqual(await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: uid(), args: [{ a: [1, 'two', null] }] }), { a: [1, 'two', null] });
    assert.deepEqual(await env.client.workflow.execute('sequence', { taskQueue, workflowId: uid(), args: [4] }), [0, 1, 2, 3]);
  });

  it('fails the workflow on ApplicationFailure; result() rejects with WorkflowFailedError carrying the cause chain', async () => {
    const h = await env.client.workflow.start('failsWithApplicationFailure', { taskQueue, workflowId: uid() });
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = err.cause as { name: string; message: string; type: string; nonRetryable: boolean; details: unknown[]; cause?: Error };
    assert.deepEqual([cause.name, cause.message, cause.type, cause.nonRetryable, cause.details], ['ApplicationFailure', 'order invalid', 'OrderError', true, [{ orderId: 7 }]]);
    assert.equal(cause.cause?.message, 'root cause');
    assert.equal(err.retryState, RetryState.RETRY_POLICY_NOT_SET, 'as Temporal reports a workflow without a retry policy');
    assert.equal((await h.describe()).status.name, 'FAILED');
  });

  it('treats a TypeError in workflow code as a failed task, not a failed workflow', async () => {
    const h = await env.client.workflow.start('throwsTypeError', { taskQueue, workflowId: uid() });
    const d = await env.waitFor(h, (x) => (x.pendingWorkflowTask?.attempt ?? 0) >= 3);
    assert.equal(d.status.name, 'RUNNING');
    assert.match(String(d.pendingWorkflowTask?.lastFailure?.message), /Cannot read properties of undefined/);
    assert.equal(d.pendingWorkflowTask?.lastFailure?.info?.type === 'application' && d.pendingWorkflowTask.lastFailure.info.errorType, 'TypeError');
    await h.terminate('done');
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError && err.cause?.name === 'TerminatedFailure');
  });

  it('fails the task with a clear message for a workflow type the worker does not export', async () => {
    const h = await env.client.workflow.start('noSuchWorkflow', { taskQueue, workflowId: uid() });
    const d = await env.waitFor(h, (x) => x.pendingWorkflowTask?.lastFailure !== undefined);
    assert.match(String(d.pendingWorkflowTask?.lastFailure?.message), /workflow type 'noSuchWorkflow' is not exported by the worker's workflows module \(it exports: .*echoWorkflow/);
    await h.terminate();
  });

  it('sleeps durably for durations given as strings', async () => {
    const r = (await env.client.workflow.execute('sleepy', { taskQueue, workflowId: uid(), args: ['250 ms'] })) as { slept: number };
    assert.ok(r.slept >= 250, `slept ${r.slept}`);
  });

  it('resolves condition(fn, timeout) with false when the timeout comes first', async () => {
    assert.equal(await env.client.workflow.execute('conditionWithTimeout', { taskQueue, workflowId: uid(), args: [50] }), false);
  });

  it('turns setTimeout into a durable timer', async () => {
    const h = await env.client.workflow.start('setTimeoutWorkflow', { taskQueue, workflowId: uid() });
    assert.equal(await h.result(), 'fired');
    assert.ok((await h.fetchHistory()).events.some((e) => e.type === 'TimerFired'));
  });

  it('cancels a waiting workflow: it sees CancelledFailure and closes as CANCELED', async () => {
    const h = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: uid() });
    await env.waitFor(h, (d) => d.historyLength >= 2);
    await h.cancel('user asked');
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError && err.cause?.name === 'CancelledFailure');
    assert.equal((await h.describe()).status.name, 'CANCELLED');
  });

  it('times out a run after workflowRunTimeout', async () => {
    const h = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: uid(), workflowRunTimeout: '200ms' });
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal(err.cause?.name, 'TimeoutFailure');
    assert.equal(err.retryState, RetryState.RETRY_POLICY_NOT_SET);
    assert.equal((await h.describe()).status.name, 'TIMED_OUT');
  });

  it('times out after workflowExecutionTimeout', async () => {
    const h = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: uid(), workflowExecutionTimeout: 200 });
    await assert.rejects(h.result(), (e: unknown) => e instanceof WorkflowFailedError && e.retryState === RetryState.TIMEOUT);
    assert.equal((await h.describe()).status.name, 'TIMED_OUT');
  });

  it('refuses to cancel or terminate a closed workflow, and reports unknown ids', async () => {
    const id = uid();
    await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: id, args: [1] });
    await assert.rejects(env.client.workflow.getHandle(id).terminate(), /already closed \(COMPLETED\)/);
    await assert.rejects(env.client.workflow.getHandle('nope').describe(), WorkflowNotFoundError);
  });

  it('shows the pending activity and history length in describe()', async () => {
    const h = await env.client.workflow.start('cancellableWork', { taskQueue, workflowId: uid() });
    const d = await env.waitFor(h, (x) => x.pendingActivities.length === 1);
    assert.equal(d.pendingActivities[0]?.activityType, 'waitForCancel');
    assert.ok(d.historyLength >= 3);
    await h.terminate();
  });
});
