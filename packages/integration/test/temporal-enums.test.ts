// Temporal's enum-like names used as values: in workflow code (a child that outlives its parent,
// an activity cancelled with WAIT_CANCELLATION_COMPLETED) and in a client start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { heartbeat, sleep } from '@endure/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';

describe("Temporal's enum values", () => {
  let env: TestEnv;
  const taskQueue = 'enums';
  const cleanedUp = new Set<string>();
  before(async () => {
    env = await TestEnv.create();
    const activities = {
      async slowCleanup(key: string): Promise<void> {
        try {
          for (;;) {
            heartbeat();
            await sleep(20);
          }
        } catch (err) {
          await delay(100); // cleanup that takes a while: the workflow must wait for it
          cleanedUp.add(key);
          throw err;
        }
      },
      async wasCleanedUp(key: string): Promise<boolean> {
        return cleanedUp.has(key);
      },
    };
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('temporal-enums'), activities });
  });
  after(() => env.close());

  for (const spelling of ['ABANDON', 'PARENT_CLOSE_POLICY_ABANDON'] as const) {
    it(`a child started with ParentClosePolicy.${spelling} outlives its parent`, async () => {
      const childId = uid('abandoned');
      const parentId = uid('parent');
      assert.equal(await env.client.workflow.execute('abandonsChild', { taskQueue, workflowId: parentId, args: [childId, spelling] }), 'parent done');
      assert.equal((await env.client.workflow.getHandle(parentId).describe()).status.name, 'COMPLETED');
      const child = env.client.workflow.getHandle(childId);
      await env.waitFor(child, (d) => d.historyLength >= 2); // started, and its first task ran
      assert.equal((await child.describe()).status.name, 'RUNNING', 'the parent closed, the child runs on');
      await child.signal('finish');
      assert.equal(await child.result(), 'child finished');
    });
  }

  it('a child cancelled with ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED rejects once the request reached it', async () => {
    const childId = uid('child');
    assert.equal(await env.client.workflow.execute('cancelsChildOnRequest', { taskQueue, workflowId: uid(), args: [childId] }), 'cancel requested');
    const child = env.client.workflow.getHandle(childId);
    assert.ok((await child.fetchHistory()).events.some((e) => e.type === 'WorkflowExecutionCancelRequested'), 'the request reached the child');
    assert.equal((await child.describe()).status.name, 'RUNNING', 'which has not finished');
    await child.signal('finish');
    assert.equal(await child.result(), 'child finished');
  });

  it('an activity cancelled with ActivityCancellationType.WAIT_CANCELLATION_COMPLETED settles after its cleanup', async () => {
    const key = uid('cleanup');
    const h = await env.client.workflow.start('cancelsActivityAndWaits', { taskQueue, workflowId: uid(), args: [key] });
    await env.waitFor(h, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
    await h.signal('cancelNow');
    assert.deepEqual(await h.result(), { cancelled: true, cleanedUpFirst: true });
  });

  it('a client start takes WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE', async () => {
    const workflowId = uid();
    await (await env.client.workflow.start('childUntilFinished', { taskQueue, workflowId })).terminate();
    await assert.rejects(
      env.client.workflow.start('childUntilFinished', { taskQueue, workflowId, workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE }),
      WorkflowExecutionAlreadyStartedError,
    );
  });
});
