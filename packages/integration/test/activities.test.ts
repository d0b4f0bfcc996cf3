import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@endure/client';
import { Worker } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('activities', () => {
  let env: TestEnv;
  const acts = makeActivities();
  const taskQueue = 'activities';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: acts.activities });
  });
  after(() => env.close());

  it('retries a failing activity by policy until it succeeds, reporting the attempt', async () => {
    const h = await env.client.workflow.start('flakyWorkflow', { taskQueue, workflowId: uid(), args: [3] });
    assert.equal(await h.result(), 3);
    const { events } = await h.fetchHistory();
    const completed = events.find((e) => e.type === 'ActivityTaskCompleted');
    assert.equal(completed?.type === 'ActivityTaskCompleted' && completed.attributes.attempt, 3);
    assert.equal(events.filter((e) => e.type === 'ActivityTaskScheduled').length, 1, 'retries write no history');
  });

  it('stops at maximumAttempts and gives the workflow ActivityFailure with the last cause', async () => {
    const h = await env.client.workflow.start('flakyWorkflow', { taskQueue, workflowId: uid(), args: [10, 2] });
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal(err.cause?.name, 'ActivityFailure');
    assert.equal((err.cause as { retryState?: string }).retryState, 'MAXIMUM_ATTEMPTS_REACHED');
    assert.match(String(((err.cause as Error).cause as Error | undefined)?.message), /not yet \(attempt 2\)/);
  });

  it('does not retry ApplicationFailure.nonRetryable, and keeps its type and details', async () => {
    const before = acts.calls['failWith'] ?? 0;
    const r = await env.client.workflow.execute('catchActivityFailure', { taskQueue, workflowId: uid(), args: ['nonRetryable'] });
    assert.deepEqual(r, {
      name: 'ActivityFailure', retryState: 'NON_RETRYABLE_FAILURE', activityType: 'failWith', causeName: 'ApplicationFailure',
      causeType: 'BadInput', causeMessage: 'failed: nonRetryable', nonRetryable: true, details: [{ field: 'x' }],
    });
    assert.equal(acts.calls['failWith']! - before, 1);
  });

  it('does not retry error types listed in nonRetryableErrorTypes', async () => {
    const before = acts.calls['failWith'] ?? 0;
    const r = (await env.client.workflow.execute('catchActivityFailure', { taskQueue, workflowId: uid(), args: ['typed'] })) as Record<string, unknown>;
    assert.equal(r['retryState'], 'NON_RETRYABLE_FAILURE');
    assert.equal(r['causeType'], 'PermanentError');
    assert.equal(acts.calls['failWith']! - before, 1);
  });

  it('retries plain errors up to maximumAttempts', async () => {
    const before = acts.calls['failWith'] ?? 0;
    const r = (await env.client.workflow.execute('catchActivityFailure', { taskQueue, workflowId: uid(), args: ['plain'] })) as Record<string, unknown>;
    assert.equal(r['retryState'], 'MAXIMUM_ATTEMPTS_REACHED');
    assert.equal(r['causeType'], 'Error');
    assert.equal(acts.calls['failWith']! - before, 3);
  });

  it('times out an attempt after startToCloseTimeout and retries it', async () => {
    assert.equal(await env.client.workflow.execute('startToCloseRetry', { taskQueue, workflowId: uid() }), 2);
  });

  it('fails the activity for good at scheduleToCloseTimeout with a TimeoutFailure', async () => {
    const r = await env.client.workflow.execute('scheduleToCloseTimeout', { taskQueue, workflowId: uid() });
    assert.deepEqual(r, { name: 'ActivityFailure', cause: 'TimeoutFailure', timeoutType: 'SCHEDULE_TO_CLOSE' });
  });

  it('fails an activity that waited past scheduleToStartTimeout for a worker', async () => {
    const r = await env.client.workflow.execute('scheduleToStartTimeout', { taskQueue, workflowId: uid() });
    assert.deepEqual(r, { name: 'ActivityFailure', cause: 'TimeoutFailure', timeoutType: 'SCHEDULE_TO_START' });
  });

  it('times out a silent activity on heartbeatTimeout and resumes the next attempt from its heartbeat details', async () => {
    const r = await env.client.workflow.execute('heartbeatResume', { taskQueue, workflowId: uid() });
    assert.deepEqual(r, { resumedFrom: 7, attempt: 2 });
  });

  it('delivers workflow cancellation to a heartbeating activity, which reports it', async () => {
    const h = await env.client.workflow.start('cancellableWork', { taskQueue, workflowId: uid() });
    await env.waitFor(h, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
    await h.cancel();
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal(err.cause?.name, 'CancelledFailure');
    assert.ok(acts.events.includes('waitForCancel:cancelled'));
    const types = (await h.fetchHistory()).events.map((e) => e.type);
    assert.ok(types.includes('ActivityTaskCancelRequested') && types.includes('ActivityTaskCanceled'), types.join(','));
    assert.equal(types.at(-1), 'WorkflowExecutionCanceled');
  });

  for (const [type, activitySeesCancel] of [['TRY_CANCEL', true], ['WAIT_CANCELLATION_COMPLETED', true], ['ABANDON', false]] as const) {
    it(`cancels a running activity with cancellationType ${type}`, async () => {
      const before = acts.events.filter((e) => e === 'waitForCancel:cancelled').length;
      const h = await env.client.workflow.start('cancelActivityWith', { taskQueue, workflowId: uid(), args: [type] });
      assert.equal(await h.result(), 'cancelled');
      const types = (await h.fetchHistory()).events.map((e) => e.type);
      assert.equal(types.includes('ActivityTaskCancelRequested'), type !== 'ABANDON', types.join(','));
      if (type === 'WAIT_CANCELLATION_COMPLETED') {
        // The workflow waited for the activity to confirm, so the confirmation precedes the result.
        assert.ok(types.indexOf('ActivityTaskCanceled') < types.indexOf('WorkflowExecutionCompleted'));
      }
      if (activitySeesCancel) {
        await env.waitFor(h, () => acts.events.filter((e) => e === 'waitForCancel:cancelled').length > before);
      }
    });
  }

  it('fails an activity whose name no worker registered, naming the ones that are', async () => {
    const h = await env.client.workflow.start('sequence', { taskQueue: 'unregistered-acts', workflowId: uid(), args: [1] });
    const w = await env.startWorker({ taskQueue: 'unregistered-acts', workflowsPath: workflowsPath('basic'), activities: { somethingElse: async () => 1 } });
    const d = await env.waitFor(h, (x) => (x.pendingActivities[0]?.attempt ?? 0) >= 2);
    assert.match(String(d.pendingActivities[0]?.lastFailure?.message), /activity 'echoActivity' is not registered on this worker .*registered: somethingElse/);
    await h.terminate('test done');
    await w.stop();
  });

  it('completes an activity from outside the worker, by task token or by ids (async completion)', async () => {
    const h = await env.client.workflow.start('asyncCompletion', { taskQueue, workflowId: uid() });
    await env.waitFor(h, () => acts.asyncTokens.length === 1);
    await env.client.activity.heartbeat(acts.asyncTokens[0]!, { progress: 50 });
    await env.client.activity.complete(acts.asyncTokens[0]!, 'done elsewhere');
    assert.equal(await h.result(), 'done elsewhere');

    const h2 = await env.client.workflow.start('asyncCompletion', { taskQueue, workflowId: uid() });
    await env.waitFor(h2, () => acts.asyncTokens.length === 2);
    await env.client.activity.fail({ workflowId: h2.workflowId, activityId: '1' }, new Error('the human said no'));
    assert.equal(await h2.result(), 'failed: the human said no');
    await assert.rejects(env.client.activity.complete({ workflowId: h2.workflowId, activityId: '1' }, 'late'), /no running activity '1'/);
  });

  it('a local activity longer than the workflow task timeout runs once: the worker keeps the task alive', async () => {
    const queue = 'local-long';
    const local = makeActivities();
    await env.startWorker({ taskQueue: queue, workflowsPath: workflowsPath('basic'), activities: local.activities });
    const t0 = Date.now();
    const h = await env.client.workflow.start('longLocalActivity', { taskQueue: queue, workflowId: uid(), args: [2_500], workflowTaskTimeout: '1s' });
    assert.equal(await h.result(), 2_500);
    assert.equal(local.calls['pause'], 1, 'not re-run by a timed-out task');
    assert.ok(Date.now() - t0 < 8_000, `finished in ${Date.now() - t0} ms`);
  });

  it('runs local activities inside the workflow task, retries them there, and never runs them again on replay', async () => {
    const replayQueue = 'local-replay';
    const local = makeActivities();
    await env.startWorker({ taskQueue: replayQueue, workflowsPath: workflowsPath('basic'), activities: local.activities, maxCachedWorkflows: 0 });
    const h = await env.client.workflow.start('localActivity', { taskQueue: replayQueue, workflowId: uid() });
    assert.deepEqual(await h.result(), ['local', 3]);
    assert.deepEqual([local.calls['echoActivity'], local.calls['flaky']], [1, 3], 'each ran once (flaky: three attempts), none re-ran on replay');
    const { events } = await h.fetchHistory();
    const markers = events.filter((e) => e.type === 'LocalActivityMarkerRecorded');
    assert.deepEqual(markers.map((e) => e.type === 'LocalActivityMarkerRecorded' && [e.attributes.activityType, e.attributes.attempt]), [['echoActivity', 1], ['flaky', 3]]);
    assert.ok(!events.some((e) => e.type === 'ActivityTaskScheduled'), 'no trip through a task queue');
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('basic') }, { events });
  });

  it('refuses an activity result over the payload limit, naming the limit', async () => {
    const h = await env.client.workflow.start('bigActivityResult', { taskQueue, workflowId: uid(), args: [3 * 1024 * 1024] });
    const d = await env.waitFor(h, (x) => x.pendingActivities[0]?.lastFailure !== undefined);
    assert.match(String(d.pendingActivities[0]?.lastFailure?.message ?? ''), /over the 2\.0 MB payload limit \(engine option maxPayloadBytes\)/);
    await h.terminate();
  });
});
