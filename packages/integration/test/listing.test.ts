import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ServiceError, type Connection, type WorkflowExecutionInfo } from '@endure/client';
import type { EngineApi } from '@endure/protocol';
import { TestEnv, engineWith, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

async function collect(it: AsyncIterable<WorkflowExecutionInfo>): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('client.workflow.list and count', () => {
  let env: TestEnv;
  const taskQueue = 'listing';
  const prefix = uid('list');
  const byPrefix = `WorkflowId STARTS_WITH '${prefix}'`;
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities });
    for (let i = 0; i < 5; i++) {
      await env.client.workflow.execute('echoWorkflow', {
        taskQueue,
        workflowId: `${prefix}-done-${i}`,
        args: [i],
        memo: { note: `run ${i}` },
        searchAttributes: { CustomIntField: i, CustomKeywordField: i % 2 ? 'odd' : 'even' },
      });
    }
    await env.client.workflow.start('waitsForever', { taskQueue, workflowId: `${prefix}-running` });
    const ended = await env.client.workflow.start('waitsForever', { taskQueue, workflowId: `${prefix}-terminated` });
    await ended.terminate('enough');
  });
  after(() => env.close());

  it("yields Temporal's WorkflowExecutionInfo shape, memo and search attributes decoded", async () => {
    const [info] = await collect(env.client.workflow.list({ query: `WorkflowId = '${prefix}-done-3'` }));
    assert.ok(info);
    assert.equal(info.type, 'echoWorkflow');
    assert.equal(info.workflowId, `${prefix}-done-3`);
    assert.equal(info.taskQueue, taskQueue);
    assert.deepEqual(info.status, { code: 2, name: 'COMPLETED' });
    assert.ok(info.startTime instanceof Date && info.closeTime instanceof Date);
    assert.ok(info.closeTime.getTime() >= info.startTime.getTime());
    assert.equal(info.executionTime.getTime(), info.startTime.getTime());
    const history = await env.client.workflow.getHandle(info.workflowId).fetchHistory();
    assert.equal(info.historyLength, history.events.length);
    assert.deepEqual(info.memo, { note: 'run 3' });
    assert.deepEqual(info.searchAttributes, { CustomIntField: 3, CustomKeywordField: 'odd' });
    assert.equal(info.raw.runId, info.runId);
    const described = await env.client.workflow.getHandle(info.workflowId).describe();
    assert.equal(described.runId, info.runId);
  });

  it('reports running and terminated runs with their status names and codes', async () => {
    const all = await collect(env.client.workflow.list({ query: byPrefix }));
    const running = all.find((x) => x.workflowId === `${prefix}-running`);
    const terminated = all.find((x) => x.workflowId === `${prefix}-terminated`);
    assert.deepEqual(running?.status, { code: 1, name: 'RUNNING' });
    assert.equal(running?.closeTime, undefined);
    assert.deepEqual(terminated?.status, { code: 5, name: 'TERMINATED' });
  });

  it('filters by search attributes and status, and lists newest start first', async () => {
    const odd = await collect(env.client.workflow.list({ query: `${byPrefix} AND CustomKeywordField = 'odd'` }));
    assert.deepEqual(odd.map((x) => x.workflowId), [`${prefix}-done-3`, `${prefix}-done-1`]);
    const closedDone = await collect(env.client.workflow.list({ query: `${byPrefix} AND ExecutionStatus = 'Completed' AND CustomIntField >= 2` }));
    assert.deepEqual(closedDone.map((x) => x.workflowId), [`${prefix}-done-4`, `${prefix}-done-3`, `${prefix}-done-2`]);
  });

  it('pages through every match, fetching a page only when iteration reaches it', async () => {
    const calls: { pageSize?: number; nextPageToken?: string }[] = [];
    const engine = env.connection.engine;
    // A recording wrapper around the real engine, to see which pages the iterator asks for.
    const recording = engineWith(engine, {
      listWorkflows: (req) => {
        calls.push({ pageSize: req.pageSize, nextPageToken: req.nextPageToken });
        return engine.listWorkflows(req);
      },
    });
    const client = new Client({ connection: { engine: recording } as unknown as Connection });
    const all = await collect(client.workflow.list({ query: byPrefix, pageSize: 2 }));
    assert.equal(all.length, 7);
    assert.equal(new Set(all.map((x) => x.runId)).size, 7);
    assert.equal(calls.length, 4, 'seven runs in pages of two take four requests');
    assert.ok(calls.slice(1).every((c) => typeof c.nextPageToken === 'string'));

    calls.length = 0;
    for await (const x of client.workflow.list({ query: byPrefix, pageSize: 2 })) {
      assert.ok(x.workflowId.startsWith(prefix));
      break;
    }
    assert.equal(calls.length, 1, 'stopping after the first item fetches one page only');
  });

  it('intoHistories fetches each listed run’s history', async () => {
    const hs = [];
    for await (const h of env.client.workflow.list({ query: `${byPrefix} AND WorkflowType = 'echoWorkflow'` }).intoHistories({ concurrency: 2 })) hs.push(h);
    assert.equal(hs.length, 5);
    for (const h of hs) {
      assert.equal(h.history.events[0]?.type, 'WorkflowExecutionStarted');
      assert.equal(h.history.events.at(-1)?.type, 'WorkflowExecutionCompleted');
    }
  });

  it('counts matches, with no groups', async () => {
    assert.deepEqual(await env.client.workflow.count(byPrefix), { count: 7, groups: [] });
    assert.deepEqual(await env.client.workflow.count(`${byPrefix} AND ExecutionStatus = 'Running'`), { count: 1, groups: [] });
    assert.ok((await env.client.workflow.count()).count >= 7);
  });

  it('rejects a bad filter with a ServiceError naming the problem', async () => {
    await assert.rejects(collect(env.client.workflow.list({ query: 'WorkflowId = ' })), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(env.client.workflow.count('NoSuchAttribute = 1'), (e: unknown) => e instanceof ServiceError && e.code === 'INVALID_ARGUMENT' && /NoSuchAttribute/.test(e.message));
  });
});
