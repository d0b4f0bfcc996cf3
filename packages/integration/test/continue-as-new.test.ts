import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';

describe('continue-as-new', () => {
  let env: TestEnv;
  const taskQueue = 'chain';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('chain') });
  });
  after(() => env.close());

  it('suggests continuing as new past the configured history size, and a loop that follows it keeps history short', async () => {
    await env.startWorker({ taskQueue: 'bounded', workflowsPath: workflowsPath('chain'), continueAsNewSuggestedAt: { events: 20 } });
    const h = await env.client.workflow.start('boundedLoop', { taskQueue: 'bounded', workflowId: uid('bounded'), args: [30] });
    const r = (await h.result()) as { n: number; historyLength: number; runs: string };
    assert.equal(r.n, 30);
    assert.equal(r.runs, 'several');
    assert.ok(r.historyLength <= 25, `history stayed short (${r.historyLength})`);
    assert.equal((await env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe()).status.name, 'CONTINUED_AS_NEW');
  });

  it('follows a chain of 100 runs to its result, each run with a short history of its own', async () => {
    const id = uid('chain');
    const h = await env.client.workflow.start('counter', { taskQueue, workflowId: id, args: [1, 100] });
    const r = (await h.result()) as { n: number; firstRunIds: string[]; continuedFrom: boolean; historyLength: number };
    assert.equal(r.n, 100);
    assert.deepEqual(r.firstRunIds, [h.firstExecutionRunId], 'every run of the chain knows the first run');
    assert.ok(r.continuedFrom);
    assert.ok(r.historyLength < 10, `the last run's history is its own (${r.historyLength} events)`);
    const firstRun = env.client.workflow.getHandle(id, h.firstExecutionRunId);
    assert.equal((await firstRun.describe()).status.name, 'CONTINUED_AS_NEW');
    // The handle start() returned is not bound to a run (as in Temporal): it describes the latest.
    const last = await h.describe();
    assert.equal(last.status.name, 'COMPLETED');
    assert.notEqual(last.runId, h.firstExecutionRunId);
    assert.equal(last.firstExecutionRunId, h.firstExecutionRunId);
    const closing = (await firstRun.fetchHistory()).events.at(-1)!;
    assert.equal(closing.type, 'WorkflowExecutionContinuedAsNew');
  });
});
