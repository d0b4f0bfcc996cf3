// An update waits for a worker to take it; connection.withDeadline() bounds that wait (Temporal's
// way), ending with WorkflowUpdateRPCTimeoutOrCancelledError naming what it waited for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@endure/client';
import { TestEnv, workflowsPath } from '../src/harness.js';

describe('updates and connection.withDeadline', () => {
  let env: TestEnv;
  const taskQueue = `approvals-${process.pid}`;
  const typo = `aprovals-${process.pid}`;
  let seq = 0;
  const id = () => `deadline-${process.pid}-${++seq}`;
  const soon = (ms = 1_000) => Date.now() + ms;
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('waiting') });
  });
  after(() => env.close());

  it('an update no worker can take fails at the deadline, saying no worker polls the task queue and which one does', async () => {
    const h = await env.client.workflow.start('approvals', { taskQueue: typo, workflowId: id() });
    const expected = (updateId: string) =>
      `update 'approve' (updateId '${updateId}') of workflow '${h.workflowId}' was not accepted before the deadline: ` +
      `no worker has polled task queue '${typo}' for workflow tasks in the last 5 minutes; did you mean '${taskQueue}'? (workers poll '${taskQueue}')`;
    await assert.rejects(
      env.connection.withDeadline(soon(), () => h.executeUpdate('approve', { args: ['ann'], updateId: 'u-1' })),
      (e: unknown) => e instanceof WorkflowUpdateRPCTimeoutOrCancelledError && e.message === expected('u-1') && e.cause instanceof ServiceError && e.cause.code === 'DEADLINE_EXCEEDED',
    );
    await assert.rejects(
      env.connection.withDeadline(new Date(soon()), () => h.startUpdate('approve', { args: ['bob'], updateId: 'u-2' })),
      (e: unknown) => e instanceof WorkflowUpdateRPCTimeoutOrCancelledError && e.message === expected('u-2'),
    );
    await h.terminate();
  });

  it('an update accepted but not completed by the deadline says so; it still completes later', async () => {
    const h = await env.client.workflow.start('approvals', { taskQueue, workflowId: id() });
    await h.startUpdate('approve', { args: ['cy'], updateId: 'u-3' }); // accepted, whatever the machine's load
    await assert.rejects(env.connection.withDeadline(soon(), () => h.executeUpdate('approve', { args: ['cy'], updateId: 'u-3' })), {
      name: 'WorkflowUpdateRPCTimeoutOrCancelledError',
      message: `update 'approve' (updateId 'u-3') of workflow '${h.workflowId}' was accepted but did not complete before the deadline; it goes on running`,
    });
    const accepted = await h.startUpdate('approve', { args: ['dee'], updateId: 'u-4' });
    await assert.rejects(env.connection.withDeadline(soon(), () => accepted.result()), WorkflowUpdateRPCTimeoutOrCancelledError);
    await h.signal('release');
    assert.equal(await h.getUpdateHandle('u-3').result(), 'approved by cy');
    assert.equal(await accepted.result(), 'approved by dee');
    await h.terminate();
  });

  it('bounds every call made inside it: a result that will not come fails with DEADLINE_EXCEEDED; calls outside are unbounded', async () => {
    const h = await env.client.workflow.start('approvals', { taskQueue, workflowId: id() });
    await assert.rejects(env.connection.withDeadline(soon(500), () => h.result()), (e: unknown) => e instanceof ServiceError && e.code === 'DEADLINE_EXCEEDED');
    await assert.rejects(env.connection.withDeadline(Date.now() - 1, () => h.describe()), /the call's deadline \(withDeadline, .*\) passed before describeWorkflow completed/);
    assert.equal((await h.describe()).status.name, 'RUNNING');
    // A deadline further than a timer can wait (24.8 days) bounds nothing yet: the call runs.
    assert.equal((await env.connection.withDeadline(Date.now() + 30 * 86_400_000, () => h.describe())).status.name, 'RUNNING');
    assert.throws(() => env.connection.withDeadline(Number.NaN, () => h.describe()), /deadline must be a Date or a number of milliseconds since the epoch, got NaN/);
    await h.terminate();
  });
});
