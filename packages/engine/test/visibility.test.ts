import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ListWorkflowsRequest, type StartWorkflowRequest } from '@endure/protocol';
import { TestClock, complete, completeTask, fail, openEngine, p, payloads, tempDir, type OpenEngine } from './support.js';

const ns = 'default';
const dir = tempDir();
const clock = new TestClock();
let h: OpenEngine;

async function start(workflowId: string, workflowType: string, taskQueue: string, searchAttributes?: Record<string, unknown>, extra: Partial<StartWorkflowRequest> = {}): Promise<string> {
  clock.advance(1000); // distinct start times, so "newest first" is a known order
  const req = { namespace: ns, workflowId, workflowType, taskQueue, input: [], searchAttributes: searchAttributes && payloads(searchAttributes), ...extra };
  return (await h.engine.startWorkflow(req)).runId;
}

/** Every matching workflow id, newest start first, read page by page. */
async function ids(query: string, pageSize = 3): Promise<string[]> {
  const out: string[] = [];
  let req: ListWorkflowsRequest = { namespace: ns, query, pageSize };
  for (;;) {
    const page = await h.engine.listWorkflows(req);
    out.push(...page.executions.map((e) => e.workflowId));
    if (!page.nextPageToken) return out;
    req = { ...req, nextPageToken: page.nextPageToken };
  }
}
const count = async (query: string) => (await h.engine.countWorkflows({ namespace: ns, query })).count;

describe('listWorkflows and countWorkflows over SQLite', () => {
  let t0 = 0; // before every run
  before(async () => {
    h = await openEngine(join(dir, 'list.db'), { clock });
    await h.engine.addSearchAttributes({
      namespace: ns,
      searchAttributes: { Region: 'Keyword', Notes: 'Text', Amount: 'Int', Score: 'Double', Urgent: 'Bool', DueAt: 'Datetime', Tags: 'KeywordList' },
    });
    t0 = clock.now();
    // o-1: completed; every attribute type set at start (a Datetime as an RFC 3339 string).
    await start('o-1', 'order', 'orders-1', { Region: 'eu', Notes: 'first order', Amount: 10, Score: 1.5, Urgent: true, DueAt: '2024-05-01T00:00:00Z', Tags: ['a', 'b'] }, { memo: payloads({ owner: 'ops' }) });
    await completeTask(h.engine, ns, 'orders-1', [complete]);
    // o-2: running; a Datetime as epoch ms, a KeywordList of one.
    await start('o-2', 'order', 'orders-2', { Region: 'us', Amount: 20, Score: 2.5, Urgent: false, DueAt: Date.UTC(2024, 6, 1), Tags: ['b'] });
    // o-3: failed.
    await start('o-3', 'order', 'orders-3', { Region: 'eu-west', Amount: 30 });
    await completeTask(h.engine, ns, 'orders-3', [fail]);
    // s-1: terminated, no attributes.
    await start('s-1', 'ship', 'ships');
    await h.engine.terminateWorkflow({ namespace: ns, workflowId: 's-1', reason: 'test' });
    // s-2: running; its code upserts attributes (a new value, new keys, one removed with null).
    await start('s-2', 'ship', 'ships-2', { Region: 'us', Score: 9.5 });
    await completeTask(h.engine, ns, 'ships-2', [{ type: 'ModifyProperties', searchAttributes: payloads({ Region: 'apac', Amount: 5, Tags: 'c', Score: null, DueAt: '2024-08-01T12:00:00.000Z' }) }]);
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists by type and status, newest start first', async () => {
    assert.deepEqual(await ids(''), ['s-2', 's-1', 'o-3', 'o-2', 'o-1']);
    assert.deepEqual(await ids("WorkflowType = 'order'"), ['o-3', 'o-2', 'o-1']);
    assert.deepEqual(await ids("WorkflowType = 'order' AND ExecutionStatus = 'Running'"), ['o-2']);
    assert.deepEqual(await ids("ExecutionStatus = 'Completed'"), ['o-1']);
    assert.deepEqual(await ids("ExecutionStatus = 'failed'"), ['o-3']);
    assert.deepEqual(await ids("ExecutionStatus = 'Terminated'"), ['s-1']);
    assert.deepEqual(await ids("ExecutionStatus != 'Running'"), ['s-1', 'o-3', 'o-1']);
    assert.deepEqual(await ids("ExecutionStatus IN ('Failed', 'Terminated')"), ['s-1', 'o-3']);
  });

  it('applies each operator to system attributes', async () => {
    const all = (await h.engine.listWorkflows({ namespace: ns })).executions;
    const o2Start = all.find((x) => x.workflowId === 'o-2')!.startTime;
    const o3Start = all.find((x) => x.workflowId === 'o-3')!.startTime;
    assert.deepEqual(await ids("WorkflowId IN ('o-1', 's-1', 'nope')"), ['s-1', 'o-1']);
    assert.deepEqual(await ids("WorkflowId NOT IN ('o-1', 's-1')"), ['s-2', 'o-3', 'o-2']);
    assert.deepEqual(await ids("WorkflowId STARTS_WITH 's-'"), ['s-2', 's-1']);
    assert.deepEqual(await ids("TaskQueue = 'ships'"), ['s-1']);
    assert.deepEqual(await ids(`StartTime > ${o2Start}`), ['s-2', 's-1', 'o-3']);
    assert.deepEqual(await ids(`StartTime <= ${o2Start}`), ['o-2', 'o-1']);
    assert.deepEqual(await ids(`StartTime BETWEEN ${o2Start} AND ${o3Start}`), ['o-3', 'o-2']);
    assert.deepEqual(await ids(`StartTime NOT BETWEEN ${o2Start} AND ${o3Start}`), ['s-2', 's-1', 'o-1']);
    assert.deepEqual(await ids(`StartTime >= '${new Date(t0).toISOString()}'`), ['s-2', 's-1', 'o-3', 'o-2', 'o-1'], 'an RFC 3339 time');
    assert.deepEqual(await ids('CloseTime IS NULL'), ['s-2', 'o-2']);
    assert.deepEqual(await ids('CloseTime IS NOT NULL'), ['s-1', 'o-3', 'o-1']);
    assert.deepEqual(await ids(`CloseTime > ${t0}`), ['s-1', 'o-3', 'o-1']);
    assert.deepEqual(await ids('HistoryLength < 3'), ['s-1', 'o-2'], 'started (+ terminated) only');
    const [entry] = (await h.engine.listWorkflows({ namespace: ns, query: "WorkflowId = 'o-2'" })).executions;
    assert.deepEqual(await ids(`RunId = '${entry!.runId}'`), ['o-2']);
  });

  it('filters on custom attributes of every type, set at start and by upsert', async () => {
    assert.deepEqual(await ids("Region = 'eu'"), ['o-1']);
    assert.deepEqual(await ids("Region = 'us'"), ['o-2'], "s-2's upsert replaced its value");
    assert.deepEqual(await ids("Region = 'apac'"), ['s-2']);
    assert.deepEqual(await ids("Region STARTS_WITH 'eu'"), ['o-3', 'o-1']);
    assert.deepEqual(await ids("Region != 'eu'"), ['s-2', 'o-3', 'o-2'], 'runs without the attribute do not match !=');
    assert.deepEqual(await ids('Region IS NULL'), ['s-1']);
    assert.deepEqual(await ids("Notes = 'first order'"), ['o-1']);
    assert.deepEqual(await ids('Amount > 10'), ['o-3', 'o-2']);
    assert.deepEqual(await ids('Amount BETWEEN 5 AND 10'), ['s-2', 'o-1'], 'Amount added by upsert');
    assert.deepEqual(await ids('Amount IN (20, 30)'), ['o-3', 'o-2']);
    assert.deepEqual(await ids('Score <= 2.5'), ['o-2', 'o-1']);
    assert.deepEqual(await ids('Score IS NULL'), ['s-2', 's-1', 'o-3'], 'a null upsert removed it');
    assert.deepEqual(await ids('Urgent = true'), ['o-1']);
    assert.deepEqual(await ids('Urgent = false'), ['o-2']);
    assert.deepEqual(await ids("DueAt < '2024-06-01T00:00:00Z'"), ['o-1']);
    assert.deepEqual(await ids(`DueAt >= ${Date.UTC(2024, 6, 1)}`), ['s-2', 'o-2']);
    assert.deepEqual(await ids("Tags = 'b'"), ['o-2', 'o-1'], 'KeywordList = means contains');
    assert.deepEqual(await ids("Tags = 'c'"), ['s-2'], 'a single string upserted into a KeywordList');
    assert.deepEqual(await ids("Tags != 'a'"), ['s-2', 'o-2']);
    assert.deepEqual(await ids("Tags IN ('a', 'c')"), ['s-2', 'o-1']);
  });

  it('binds AND tighter than OR, and honours parentheses', async () => {
    assert.deepEqual(await ids("WorkflowType = 'ship' OR Region = 'eu' AND Amount > 5"), ['s-2', 's-1', 'o-1']);
    assert.deepEqual(await ids("(WorkflowType = 'ship' OR Region = 'eu') AND Amount > 5"), ['o-1']);
    assert.deepEqual(await ids("(WorkflowType = 'ship' OR Region = 'eu') AND Amount >= 5"), ['s-2', 'o-1']);
  });

  it('counts what it lists', async () => {
    assert.equal(await count(''), 5);
    assert.equal(await count("WorkflowType = 'order'"), 3);
    assert.equal(await count("WorkflowType = 'order' AND ExecutionStatus = 'Running'"), 1);
    assert.equal(await count("Tags = 'b'"), 2);
    assert.equal(await count("WorkflowType = 'nothing'"), 0);
  });

  it("returns each run's fields, memo and search attributes as they were set", async () => {
    const { executions } = await h.engine.listWorkflows({ namespace: ns, query: "WorkflowId = 'o-1' OR WorkflowId = 's-2'" });
    const [s2, o1] = executions;
    assert.equal(o1!.workflowType, 'order');
    assert.equal(o1!.taskQueue, 'orders-1');
    assert.equal(o1!.status, 'COMPLETED');
    assert.ok(o1!.closeTime! >= o1!.startTime);
    assert.equal(o1!.historyLength, 3, 'started, task completed, completed');
    assert.deepEqual(o1!.memo, { owner: p('ops') });
    assert.deepEqual(o1!.searchAttributes['Region'], p('eu'));
    assert.equal(s2!.status, 'RUNNING');
    assert.equal(s2!.closeTime, undefined);
    assert.deepEqual(s2!.searchAttributes, payloads({ Region: 'apac', Amount: 5, Tags: 'c', DueAt: '2024-08-01T12:00:00.000Z' }));
    const described = await h.engine.describeWorkflow({ namespace: ns, workflowId: 's-2' });
    assert.deepEqual(described.searchAttributes, s2!.searchAttributes, 'describe and list agree');
  });

  it('refuses bad filters with the column and what was expected', async () => {
    await assert.rejects(h.engine.listWorkflows({ namespace: ns, query: "Amount = 'ten'" }), /invalid query at column 10: Amount is an Int; expected an integer/);
    await assert.rejects(h.engine.countWorkflows({ namespace: ns, query: 'Colour = 1' }), /unknown search attribute 'Colour'.*Region.*endure operator search-attribute create --name Colour/);
    await assert.rejects(h.engine.listWorkflows({ namespace: ns, query: "WorkflowId = 'x' ORDER BY StartTime" }), /ORDER BY is not supported/);
    await assert.rejects(h.api.listWorkflows({ namespace: ns, pageSize: 0 }), /pageSize: pageSize must be at least 1/);
  });
});

describe('listWorkflows pagination', () => {
  const dir2 = tempDir();
  let pg: OpenEngine;
  before(async () => {
    pg = await openEngine(join(dir2, 'pages.db'), { clock });
    await pg.engine.registerNamespace({ namespace: 'other' });
    for (let i = 0; i < 25; i++) {
      clock.advance(10);
      await pg.engine.startWorkflow({ namespace: ns, workflowId: `p-${String(i).padStart(2, '0')}`, workflowType: 'page', taskQueue: 'q', input: [] });
    }
    await pg.engine.startWorkflow({ namespace: 'other', workflowId: 'x', workflowType: 'page', taskQueue: 'q', input: [] });
  });
  after(async () => {
    await pg.close();
    rmSync(dir2, { recursive: true, force: true });
  });

  it('walks every match exactly once across pages, newest first, the last page without a token', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", pageSize: 10, nextPageToken: token });
      sizes.push(page.executions.length);
      seen.push(...page.executions.map((e) => e.workflowId));
      token = page.nextPageToken;
    } while (token);
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `p-${String(24 - i).padStart(2, '0')}`));
    assert.equal((await pg.engine.countWorkflows({ namespace: ns, query: "WorkflowType = 'page'" })).count, 25);
  });

  it('keeps going from where it was when runs are started between pages', async () => {
    const first = await pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", pageSize: 5 });
    clock.advance(10);
    await pg.engine.startWorkflow({ namespace: ns, workflowId: 'p-new', workflowType: 'page', taskQueue: 'q', input: [] });
    const second = await pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", pageSize: 5, nextPageToken: first.nextPageToken });
    assert.deepEqual(second.executions.map((e) => e.workflowId), ['p-19', 'p-18', 'p-17', 'p-16', 'p-15']);
  });

  it('refuses a page token from another query or namespace, or one it never issued', async () => {
    const { nextPageToken } = await pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", pageSize: 2 });
    assert.ok(nextPageToken);
    const refused = (re: RegExp) => (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && re.test(e.message);
    await assert.rejects(pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'other'", pageSize: 2, nextPageToken }), refused(/belongs to another query or namespace/));
    await assert.rejects(pg.engine.listWorkflows({ namespace: 'other', query: "WorkflowType = 'page'", pageSize: 2, nextPageToken }), refused(/belongs to another query or namespace/));
    await assert.rejects(pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", nextPageToken: 'garbage' }), refused(/not a page token from listWorkflows/));
    const forged = `${nextPageToken.split('.')[0]}.not-a-cursor`;
    await assert.rejects(pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", nextPageToken: forged }), refused(/pageToken/));
    // The same filter spelt differently is the same query.
    const again = await pg.engine.listWorkflows({ namespace: ns, query: "workflowtype='page'".replace('workflowtype', 'WorkflowType'), pageSize: 2, nextPageToken });
    assert.equal(again.executions.length, 2);
    const empty = await pg.engine.listWorkflows({ namespace: ns, query: "WorkflowType = 'page'", pageSize: 2, nextPageToken: '' });
    assert.deepEqual(empty.executions.map((e) => e.workflowId), ['p-new', 'p-24'], 'an empty token is the first page, as Temporal clients send it');
  });
});
