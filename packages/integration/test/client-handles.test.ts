// Handles as Temporal's behave: a start's handle follows the chain it began (not a newer one);
// getHandle's firstExecutionRunId and followRuns; signalWithStart's signaledRunId; async
// completion by ids with a runId; intoHistories' bufferLimit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, WorkflowContinuedAsNewError, WorkflowNotFoundError, type Connection } from '@endure/client';
import type { EngineApi } from '@endure/protocol';
import { TestEnv, engineWith, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('workflow handles', () => {
  let env: TestEnv;
  const taskQueue = 'handles';
  const acts = makeActivities();
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: acts.activities });
    await env.startWorker({ taskQueue: 'handles-chain', workflowsPath: workflowsPath('chain') });
  });
  after(() => env.close());

  it("a start's handle acts on the chain it started; once the id is started again it is refused, not misdirected", async () => {
    const id = uid();
    const first = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id });
    assert.equal(first.runId, undefined, 'not bound to a run');
    assert.ok(first.firstExecutionRunId);
    assert.equal(first.client, env.client.workflow);
    await first.terminate();
    const second = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: id });
    await assert.rejects(first.cancel(), WorkflowNotFoundError);
    await assert.rejects(first.terminate(), WorkflowNotFoundError);
    const byChain = env.client.workflow.getHandle(id, undefined, { firstExecutionRunId: first.firstExecutionRunId });
    await assert.rejects(byChain.terminate(), /no run in the chain started by run/);
    assert.equal((await second.describe()).status.name, 'RUNNING', 'the newer run was not touched');
    await env.client.workflow.getHandle(id, undefined, { firstExecutionRunId: second.firstExecutionRunId }).terminate();
    assert.equal((await second.describe()).status.name, 'TERMINATED');
  });

  it('followRuns: false stops result() at the run asked for', async () => {
    const h = await env.client.workflow.start('counter', { taskQueue: 'handles-chain', workflowId: uid(), args: [1, 3], followRuns: false });
    await assert.rejects(h.result(), (e: unknown) => e instanceof WorkflowContinuedAsNewError && typeof e.newExecutionRunId === 'string');
    const all = env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId);
    assert.equal(((await all.result()) as { n: number }).n, 3, 'by default the chain is followed to its end');
  });

  it('signalWithStart names the run it signalled', async () => {
    const id = uid();
    const started = await env.client.workflow.signalWithStart('waitsForever', { taskQueue, workflowId: id, signal: 'nudge' });
    const again = await env.client.workflow.signalWithStart('waitsForever', { taskQueue, workflowId: id, signal: 'nudge' });
    assert.equal(again.signaledRunId, started.signaledRunId);
    assert.equal((await again.describe()).runId, started.signaledRunId);
    await again.terminate();
  });

  it('async completion by ids takes the runId too', async () => {
    const before = acts.asyncTokens.length;
    const h = await env.client.workflow.start('asyncCompletion', { taskQueue, workflowId: uid() });
    await env.waitFor(h, () => acts.asyncTokens.length > before);
    const { runId } = await h.describe();
    await assert.rejects(env.client.activity.complete({ workflowId: h.workflowId, runId: 'not-this-run', activityId: '1' }, 'no'), WorkflowNotFoundError);
    await env.client.activity.complete({ workflowId: h.workflowId, runId, activityId: '1' }, 'by ids');
    assert.equal(await h.result(), 'by ids');
  });

  it('intoHistories fetches no more than bufferLimit histories ahead', async () => {
    const prefix = uid('buffered');
    for (let i = 0; i < 4; i++) await env.client.workflow.execute('echoWorkflow', { taskQueue, workflowId: `${prefix}-${i}`, args: [i] });
    let inFlight = 0;
    let most = 0;
    const watched: EngineApi = engineWith(env.connection.engine, {
      getHistory: async (req) => {
        most = Math.max(most, ++inFlight);
        try {
          return await env.connection.engine.getHistory(req);
        } finally {
          inFlight--;
        }
      },
    });
    const connection = Object.create(env.connection, { engine: { value: watched } }) as Connection;
    const client = new Client({ connection });
    const seen: string[] = [];
    for await (const h of client.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` }).intoHistories({ concurrency: 4, bufferLimit: 1 })) seen.push(h.workflowId);
    assert.equal(seen.length, 4);
    assert.equal(most, 1);
    assert.throws(() => client.workflow.list().intoHistories({ bufferLimit: 0 }), /bufferLimit must be a positive integer/);
  });
});
