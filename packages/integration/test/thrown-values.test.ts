// A thrown value that is not an Error keeps its content (never `[object Object]`), and an
// ActivityFailure names its activity: in activities and in workflow code, as the workflow and the
// client see them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';

const NOTE = ' (a non-Error value was thrown: throw an Error or ApplicationFailure to get a stack trace)';

describe('thrown values that are not Errors', () => {
  let env: TestEnv;
  const taskQueue = 'thrown-values';
  before(async () => {
    env = await TestEnv.create();
    const activities = {
      throwValue: async (value: unknown): Promise<never> => {
        throw value;
      },
    };
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('thrown-values'), activities });
  });
  after(() => env.close());

  it('an activity that throws a plain object fails with its JSON in the message and the object in details; the ActivityFailure names the activity', async () => {
    const h = await env.client.workflow.start('activityThrows', { taskQueue, workflowId: uid(), args: [{ code: 42 }] });
    const err = await h.result().then(() => assert.fail('the workflow should fail'), (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const activity = err.cause;
    assert.ok(activity instanceof ActivityFailure, `cause is ${String(activity)}`);
    assert.equal(activity.activityType, 'throwValue');
    assert.equal(activity.activityId, '1');
    assert.equal(activity.message, `activity 'throwValue' (activityId '1') failed: {"code":42}${NOTE}`);
    const cause = activity.cause;
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.message, `{"code":42}${NOTE}`);
    assert.equal(cause.type, 'Object');
    assert.deepEqual(cause.details, [{ code: 42 }]);
  });

  it('workflow code catches the same ActivityFailure, for a thrown string, from an activity and from a local activity', async () => {
    const remote = await env.client.workflow.execute('catchesActivityFailure', { taskQueue, workflowId: uid(), args: ['out of stock', 'remote'] });
    assert.deepEqual(remote, {
      message: `activity 'throwValue' (activityId '1') failed: out of stock${NOTE}`,
      activityType: 'throwValue',
      activityId: '1',
      causeMessage: `out of stock${NOTE}`,
      details: ['out of stock'],
    });
    const local = await env.client.workflow.execute('catchesActivityFailure', { taskQueue, workflowId: uid(), args: [{ code: 7 }, 'local'] });
    assert.deepEqual(local, {
      message: `local activity 'throwValue' (activityId '1') failed: {"code":7}${NOTE}`,
      activityType: 'throwValue',
      activityId: '1',
      causeMessage: `{"code":7}${NOTE}`,
      causeType: 'Object',
      details: [{ code: 7 }],
    });
  });

  it('workflow code that throws a plain object fails its task with the JSON in the message', async () => {
    const h = await env.client.workflow.start('workflowThrows', { taskQueue, workflowId: uid(), args: [{ reason: 'bad state', at: 3 }] });
    const d = await env.waitFor(h, (x) => x.pendingWorkflowTask?.lastFailure !== undefined);
    assert.equal(d.pendingWorkflowTask?.lastFailure?.message, `{"reason":"bad state","at":3}${NOTE}`);
    await h.terminate('test done');
  });
});
