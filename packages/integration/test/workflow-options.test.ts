// The workflow API's options by Temporal's names: a refused option fails the workflow task with a
// message naming it (the workflow waits for fixed code, as for any bug); honoured ones reach the
// child, the next run, the handlers. Also workflowInfo()'s Temporal fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityInfo } from '@endure/activity';
import { TestEnv, memoryLogger, uid, workflowsPath } from '../src/harness.js';

describe('workflow options', () => {
  let env: TestEnv;
  const taskQueue = 'workflow-options';
  const logger = memoryLogger();
  before(async () => {
    env = await TestEnv.create();
    const activities = {
      async echo(x: unknown) {
        return x;
      },
      async retryPolicy() {
        return activityInfo().retryPolicy;
      },
    };
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('options'), activities, logger });
    await env.startWorker({ taskQueue: 'workflow-options-other', workflowsPath: workflowsPath('options') });
  });
  after(() => env.close());

  /** Starts `workflowType` and returns the message its first workflow task failed with. */
  async function taskFailure(workflowType: string, args: unknown[]): Promise<{ message: string; type: unknown }> {
    const h = await env.client.workflow.start(workflowType, { taskQueue, workflowId: uid(), args });
    const d = await env.waitFor(h, (x) => x.pendingWorkflowTask?.lastFailure !== undefined);
    await h.terminate();
    const failure = d.pendingWorkflowTask!.lastFailure!;
    return { message: failure.message, type: failure.info?.type === 'application' ? failure.info.errorType : undefined };
  }

  const refusals: [string, string, unknown, RegExp][] = [
    ['ActivityOptions', 'priority', { priorityKey: 1 }, /proxyActivities: option 'priority' is not supported by Endure: task priorities are not implemented/],
    ['ActivityOptions', 'summary', 'charge the card', /proxyActivities: option 'summary' is not supported by Endure: user metadata/],
    ['ActivityOptions', 'versioningIntent', 'COMPATIBLE', /option 'versioningIntent' is not supported by Endure: Endure has no worker versioning/],
    ['RetryPolicy', 'maximumAttempt', 3, /proxyActivities: 'maximumAttempt' is not an option of RetryPolicy; the options are: .*maximumAttempts/],
    ['LocalActivityOptions', 'localRetryThreshold', '1m', /proxyLocalActivities: option 'localRetryThreshold' is not supported by Endure/],
    ['LocalActivityOptions', 'scheduleToStartTimeout', '1m', /option 'scheduleToStartTimeout' is not supported by Endure: a local activity starts as soon as/],
    ['LocalActivityOptions', 'cancellationType', 'TRY_CANCEL', /option 'cancellationType' is not supported by Endure: local activities are not cancelled/],
    ['LocalActivityOptions', 'activityId', 'x', /'activityId' is not an option of LocalActivityOptions/],
    ['ChildWorkflowOptions', 'cronSchedule', '* * * * *', /startChild: option 'cronSchedule' is not supported by Endure: cron children are not implemented/],
    ['ChildWorkflowOptions', 'memo', { a: 1 }, /option 'memo' is not supported by Endure: .*call upsertMemo\(\) in the child/],
    ['ChildWorkflowOptions', 'searchAttributes', { a: 1 }, /option 'searchAttributes' is not supported by Endure/],
    ['ChildWorkflowOptions', 'workflowIdReusePolicy', 'REJECT_DUPLICATE', /option 'workflowIdReusePolicy' is not supported by Endure/],
    ['ChildWorkflowOptions', 'retry', { maximumAttempts: 2 }, /option 'retry' is not supported by Endure: workflow retry policies/],
    ['ContinueAsNewOptions', 'memo', { a: 1 }, /makeContinueAsNewFunc: option 'memo' is not supported by Endure/],
    ['ContinueAsNewOptions', 'searchAttributes', { a: 1 }, /option 'searchAttributes' is not supported by Endure/],
    ['SignalHandlerOptions', 'descripton', 'typo', /setHandler: 'descripton' is not an option of SignalHandlerOptions; the options are: description, unfinishedPolicy/],
    ['TimerOptions', 'summary', 'a nap', /sleep: option 'summary' is not supported by Endure/],
  ];
  for (const [type, option, value, message] of refusals) {
    it(`refuses ${type}.${option} by name: the workflow task fails with that message`, async () => {
      const failure = await taskFailure('optionProbe', [type, option, value]);
      assert.match(failure.message, message);
      assert.equal(failure.type, 'UnsupportedOptionError');
    });
  }

  it('also refuses values Endure does not implement for enum options, naming them', async () => {
    const failure = await taskFailure('optionProbe', ['ChildWorkflowOptions', 'cancellationType', 'WAIT_FOREVER']);
    assert.match(failure.message, /startChild: cancellationType 'WAIT_FOREVER' is not supported by Endure; use one of TRY_CANCEL, WAIT_CANCELLATION_COMPLETED, WAIT_CANCELLATION_REQUESTED, ABANDON/);
    const refused = await taskFailure('sleepWithSummary', []);
    assert.match(refused.message, /sleep: option 'summary' is not supported by Endure/);
  });

  it('child workflow options reach the child: taskQueue, workflowRunTimeout, workflowTaskTimeout, workflowExecutionTimeout', async () => {
    const seen = (await env.client.workflow.execute('childWithOptions', {
      taskQueue,
      workflowId: uid(),
      args: [{ taskQueue: 'workflow-options-other', workflowRunTimeout: '1 hour', workflowTaskTimeout: '7s', workflowExecutionTimeout: '2 hours' }],
    })) as Record<string, unknown>;
    assert.deepEqual(
      { taskQueue: seen['taskQueue'], runTimeoutMs: seen['runTimeoutMs'], taskTimeoutMs: seen['taskTimeoutMs'], executionTimeoutMs: seen['executionTimeoutMs'], args: seen['args'] },
      { taskQueue: 'workflow-options-other', runTimeoutMs: 3_600_000, taskTimeoutMs: 7_000, executionTimeoutMs: 7_200_000, args: ['from parent'] },
    );
    assert.deepEqual(await env.client.workflow.execute('childTimesOut', { taskQueue, workflowId: uid() }), { name: 'ChildWorkflowFailure', retryState: 'TIMEOUT', cause: 'TimeoutFailure' });
  });

  it('continue-as-new options reach the next run: workflowType, taskQueue, workflowRunTimeout, workflowTaskTimeout', async () => {
    const seen = (await env.client.workflow.execute('continueWithOptions', {
      taskQueue,
      workflowId: uid(),
      args: [{ taskQueue: 'workflow-options-other', workflowRunTimeout: '1 hour', workflowTaskTimeout: '9s' }],
    })) as Record<string, unknown>;
    assert.deepEqual(
      { workflowType: seen['workflowType'], taskQueue: seen['taskQueue'], runTimeoutMs: seen['runTimeoutMs'], taskTimeoutMs: seen['taskTimeoutMs'], continuedFrom: seen['continuedFrom'], args: seen['args'] },
      { workflowType: 'reportInfo', taskQueue: 'workflow-options-other', runTimeoutMs: 3_600_000, taskTimeoutMs: 9_000, continuedFrom: true, args: ['continued'] },
    );
  });

  it('allowEagerDispatch is accepted either way: Endure never dispatches eagerly, which both values allow', async () => {
    for (const allowEagerDispatch of [true, false]) {
      assert.equal(await env.client.workflow.execute('eagerOrNot', { taskQueue, workflowId: uid(), args: [allowEagerDispatch] }), allowEagerDispatch);
    }
  });

  it('workflowInfo() has Temporal’s fields and types', async () => {
    const info = (await env.client.workflow.execute('reportInfo', { taskQueue, workflowId: uid() })) as Record<string, unknown>;
    assert.deepEqual(
      { startTimeIsDate: info['startTimeIsDate'], runStartTimeIsDate: info['runStartTimeIsDate'], startedAtRunStart: info['startedAtRunStart'], firstExecutionRunIdIsRunId: info['firstExecutionRunIdIsRunId'], isReplayingHistoryEvents: info['isReplayingHistoryEvents'] },
      { startTimeIsDate: true, runStartTimeIsDate: true, startedAtRunStart: true, firstExecutionRunIdIsRunId: true, isReplayingHistoryEvents: false },
    );
  });

  it('handler description shows in __temporal_workflow_metadata; unfinishedPolicy WARN_AND_ABANDON warns when the workflow ends with a handler running, ABANDON does not', async () => {
    const warnings = () => logger.entries.filter((e) => e.level === 'WARN' && /workflow finished while handlers were still running/.test(e.message));
    for (const abandon of [false, true]) {
      const before = warnings().length;
      const h = await env.client.workflow.start('leavesHandlerRunning', { taskQueue, workflowId: uid(), args: [abandon] });
      await h.signal('hang');
      if (!abandon) {
        const metadata = (await h.query('__temporal_workflow_metadata')) as { definition: Record<string, unknown> };
        assert.deepEqual(metadata.definition, {
          type: 'leavesHandlerRunning',
          queryDefinitions: [{ name: 'described', description: 'a query with a description' }],
          signalDefinitions: [{ name: 'hang' }, { name: 'go', description: 'lets the workflow return' }],
          updateDefinitions: [],
        });
      }
      await h.signal('go');
      assert.equal(await h.result(), 'returned');
      const added = warnings().slice(before);
      if (abandon) assert.equal(added.length, 0, 'unfinishedPolicy: ABANDON says nothing');
      else assert.match(added[0]?.message ?? 'no warning', /signal 'hang'.*allHandlersFinished.*HandlerUnfinishedPolicy\.ABANDON/);
    }
  });

  it('child cancellationType: TRY_CANCEL reports at once and cancels the child; ABANDON reports at once and leaves it running; WAIT_CANCELLATION_COMPLETED reports once the child has closed', async () => {
    const childStatus = async (id: string) => (await env.client.workflow.getHandle(id).describe()).status.name;
    const cases = [['TRY_CANCEL'], ['ABANDON'], ['WAIT_CANCELLATION_COMPLETED']] as const;
    for (const [cancellationType] of cases) {
      const childId = uid(`child-${cancellationType}`);
      assert.equal(await env.client.workflow.execute('cancelsChild', { taskQueue, workflowId: uid(), args: [childId, cancellationType] }), 'cancelled', cancellationType);
      if (cancellationType === 'WAIT_CANCELLATION_COMPLETED') assert.equal(await childStatus(childId), 'CANCELLED', 'the parent heard only after the child closed');
      if (cancellationType === 'TRY_CANCEL') await env.waitFor(env.client.workflow.getHandle(childId), (d) => d.status.name === 'CANCELLED');
      if (cancellationType === 'ABANDON') {
        assert.equal(await childStatus(childId), 'RUNNING', 'no cancel request reached the child');
        await env.client.workflow.getHandle(childId).terminate();
      }
    }
  });

  it('retry options reach the engine as given (the activity sees them in its info)', async () => {
    assert.deepEqual(await env.client.workflow.execute('retryPolicySeen', { taskQueue, workflowId: uid() }), {
      initialIntervalMs: 10,
      backoffCoefficient: 3,
      maximumIntervalMs: 50,
      maximumAttempts: 4,
      nonRetryableErrorTypes: ['Fatal'],
    });
  });
});
