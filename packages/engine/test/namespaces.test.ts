import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, DEFAULT_CUSTOM_SEARCH_ATTRIBUTES, SYSTEM_SEARCH_ATTRIBUTES } from '@endure/protocol';
import { DEFAULT_RETENTION_MS } from '../src/index.js';
import { TestClock, completeTask, nextTask, openEngine, p, payloads, tempDir } from './support.js';

const dir = tempDir();
const code = (c: string, re: RegExp) => (e: unknown) => e instanceof ApiError && e.code === c && re.test(e.message);

describe('namespaces', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has `default` from the start, with a 3-day retention and the default custom attributes; it survives a restart unchanged', async () => {
    const file = join(dir, 'default.db');
    let h = await openEngine(file);
    const { namespaces } = await h.engine.listNamespaces({});
    assert.deepEqual(namespaces.map((n) => n.namespace), ['default']);
    assert.equal(namespaces[0]!.retentionMs, DEFAULT_RETENTION_MS);
    assert.equal(DEFAULT_RETENTION_MS, 3 * 86_400_000);
    assert.deepEqual(namespaces[0]!.searchAttributes, DEFAULT_CUSTOM_SEARCH_ATTRIBUTES);
    await h.engine.registerNamespace({ namespace: 'team-a', description: 'orders', retentionMs: 7 * 86_400_000 });
    await h.engine.addSearchAttributes({ namespace: 'team-a', searchAttributes: { OrderId: 'Keyword' } });
    await h.close();

    h = await openEngine(file);
    const again = (await h.engine.listNamespaces({})).namespaces;
    assert.deepEqual(again.map((n) => n.namespace), ['default', 'team-a'], 'sorted by name');
    assert.equal(again[0]!.createdTime, namespaces[0]!.createdTime, 'default was not created a second time');
    const a = await h.engine.describeNamespace({ namespace: 'team-a' });
    assert.equal(a.description, 'orders');
    assert.equal(a.retentionMs, 7 * 86_400_000);
    assert.deepEqual(a.searchAttributes, { ...DEFAULT_CUSTOM_SEARCH_ATTRIBUTES, OrderId: 'Keyword' });
    await h.close();
  });

  it('refuses a duplicate or malformed namespace, saying what to do', async () => {
    const h = await openEngine(join(dir, 'register.db'));
    await h.engine.registerNamespace({ namespace: 'dup' });
    await assert.rejects(h.engine.registerNamespace({ namespace: 'dup' }), code('ALREADY_EXISTS', /namespace 'dup' already exists; see it with `endure namespace describe dup`/));
    await assert.rejects(h.engine.registerNamespace({ namespace: 'default' }), code('ALREADY_EXISTS', /already exists/));
    await assert.rejects(h.api.registerNamespace({ namespace: 'bad name!' }), code('INVALID_ARGUMENT', /namespace: namespace names are letters, digits/));
    await assert.rejects(h.api.registerNamespace({ namespace: 'short', retentionMs: 1000 }), code('INVALID_ARGUMENT', /retentionMs must be at least 60000/));
    assert.equal((await h.engine.describeNamespace({ namespace: 'dup' })).retentionMs, DEFAULT_RETENTION_MS);
    await h.close();
  });

  it('answers NOT_FOUND, with the command that creates it, for every request naming an unknown namespace', async () => {
    const h = await openEngine(join(dir, 'unknown.db'));
    const e = h.engine;
    const ghost = { namespace: 'ghost' };
    const notFound = code('NOT_FOUND', /^namespace 'ghost' is not registered; create it with `endure namespace create ghost` or client\.operator\.registerNamespace\(\{ namespace: 'ghost' \}\)$/);
    await assert.rejects(e.startWorkflow({ ...ghost, workflowId: 'w', workflowType: 't', taskQueue: 'q', input: [] }), notFound);
    await assert.rejects(e.describeWorkflow({ ...ghost, workflowId: 'w' }), notFound);
    await assert.rejects(e.getHistory({ ...ghost, workflowId: 'w' }), notFound);
    await assert.rejects(e.signalWorkflow({ ...ghost, workflowId: 'w', signalName: 's', input: [] }), notFound);
    await assert.rejects(e.terminateWorkflow({ ...ghost, workflowId: 'w' }), notFound);
    await assert.rejects(e.pollWorkflowTask({ ...ghost, taskQueue: 'q', identity: 'i', timeoutMs: 10 }), notFound);
    await assert.rejects(e.pollActivityTask({ ...ghost, taskQueue: 'q', identity: 'i', timeoutMs: 10 }), notFound);
    await assert.rejects(e.listWorkflows(ghost), notFound);
    await assert.rejects(e.countWorkflows(ghost), notFound);
    await assert.rejects(e.describeNamespace(ghost), notFound);
    await assert.rejects(e.addSearchAttributes({ ...ghost, searchAttributes: { A: 'Keyword' } }), notFound);
    await assert.rejects(e.listSearchAttributes(ghost), notFound);
    await assert.rejects(e.describeTaskQueue({ ...ghost, taskQueue: 'q' }), notFound);
    await h.close();
  });

  it("keeps one namespace's runs, tasks and attributes invisible to another", async () => {
    const h = await openEngine(join(dir, 'isolation.db'));
    const e = h.engine;
    await e.registerNamespace({ namespace: 'team-a' });
    await e.addSearchAttributes({ namespace: 'team-a', searchAttributes: { OrderId: 'Keyword' } });
    // The same workflow id and task queue in both namespaces are two unrelated runs.
    const inDefault = await e.startWorkflow({ namespace: 'default', workflowId: 'same', workflowType: 'd-type', taskQueue: 'q', input: [] });
    const inA = await e.startWorkflow({ namespace: 'team-a', workflowId: 'same', workflowType: 'a-type', taskQueue: 'q', input: [], searchAttributes: payloads({ OrderId: 'o-1' }) });
    assert.notEqual(inDefault.runId, inA.runId);
    assert.equal((await e.describeWorkflow({ namespace: 'default', workflowId: 'same' })).workflowType, 'd-type');
    assert.equal((await e.describeWorkflow({ namespace: 'team-a', workflowId: 'same' })).workflowType, 'a-type');

    const listA = await e.listWorkflows({ namespace: 'team-a' });
    assert.deepEqual(listA.executions.map((x) => [x.namespace, x.runId]), [['team-a', inA.runId]]);
    assert.equal((await e.countWorkflows({ namespace: 'default', query: "WorkflowType = 'a-type'" })).count, 0);
    assert.equal((await e.countWorkflows({ namespace: 'team-a', query: "OrderId = 'o-1'" })).count, 1);
    // team-a's attribute does not exist in default: neither to filter on nor to set.
    await assert.rejects(e.countWorkflows({ namespace: 'default', query: "OrderId = 'o-1'" }), code('INVALID_ARGUMENT', /unknown search attribute 'OrderId'/));
    await assert.rejects(
      e.startWorkflow({ namespace: 'default', workflowId: 'other', workflowType: 't', taskQueue: 'q', input: [], searchAttributes: payloads({ OrderId: 'o-2' }) }),
      code('INVALID_ARGUMENT', /search attribute 'OrderId' is not registered in namespace 'default'/),
    );
    // A poller of team-a's queue gets team-a's task only.
    const t = await nextTask(e, 'team-a', 'q');
    assert.equal(t.runId, inA.runId);
    assert.equal(await e.pollWorkflowTask({ namespace: 'team-a', taskQueue: 'q', identity: 'i', timeoutMs: 50 }), null);
    assert.equal((await e.describeTaskQueue({ namespace: 'default', taskQueue: 'q' })).workflow.backlog >= 0, true);
    await completeTask(e, 'default', 'q', [{ type: 'CompleteWorkflow', result: p(1) }]);
    assert.equal((await e.describeWorkflow({ namespace: 'default', workflowId: 'same' })).status, 'COMPLETED');
    assert.equal((await e.describeWorkflow({ namespace: 'team-a', workflowId: 'same' })).status, 'RUNNING');
    await h.close();
  });
});

describe('the search-attribute registry', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds keys with types, accepts the same type again, and refuses a type change, a system name or a bad name', async () => {
    const h = await openEngine(join(dir, 'registry.db'));
    const e = h.engine;
    const add = (searchAttributes: Record<string, string>) => h.api.addSearchAttributes({ namespace: 'default', searchAttributes } as never);
    await add({ CustomerId: 'Keyword', Amount: 'Double' });
    await add({ CustomerId: 'Keyword' });
    await assert.rejects(add({ CustomerId: 'Int' }), code('INVALID_ARGUMENT', /'CustomerId' is already registered as Keyword in namespace 'default' and cannot become Int/));
    await assert.rejects(add({ NewOne: 'Keyword', WorkflowType: 'Keyword' }), code('INVALID_ARGUMENT', /'WorkflowType' is a system search attribute \(reserved\)/));
    await assert.rejects(add({ 'has space': 'Keyword' }), code('INVALID_ARGUMENT', /search attribute names are letters, digits and _/));
    await assert.rejects(add({ Fine: 'Number' }), code('INVALID_ARGUMENT', /searchAttributes\.Fine/));
    const sa = await e.listSearchAttributes({ namespace: 'default' });
    assert.deepEqual(sa.system, SYSTEM_SEARCH_ATTRIBUTES);
    assert.deepEqual(sa.custom, { ...DEFAULT_CUSTOM_SEARCH_ATTRIBUTES, CustomerId: 'Keyword', Amount: 'Double' });
    assert.ok(!('NewOne' in sa.custom), 'a refused request adds nothing (all or none)');
    await h.close();
  });

  it('refuses, at start, an unregistered key or a value of the wrong type, naming the key, the type and the fix', async () => {
    const h = await openEngine(join(dir, 'start-check.db'));
    const start = (searchAttributes: Record<string, unknown>, raw?: Record<string, { metadata: Record<string, string>; data: string }>) =>
      h.engine.startWorkflow({ namespace: 'default', workflowId: `w-${Math.random()}`, workflowType: 't', taskQueue: 'q', input: [], searchAttributes: raw ?? payloads(searchAttributes) });
    await assert.rejects(start({ Misspelt: 'x' }), code('INVALID_ARGUMENT', /search attribute 'Misspelt' is not registered in namespace 'default'; register it with its type first: endure operator search-attribute create --name Misspelt --type Keyword/));
    await assert.rejects(start({ CustomIntField: 1.5 }), code('INVALID_ARGUMENT', /'CustomIntField' is registered as Int, so its value must be an integer; got the number 1.5/));
    await assert.rejects(start({ CustomBoolField: 'yes' }), code('INVALID_ARGUMENT', /registered as Bool, so its value must be true or false; got the string "yes"/));
    await assert.rejects(start({ CustomDatetimeField: 'tomorrow' }), code('INVALID_ARGUMENT', /registered as Datetime, so its value must be an RFC 3339 time/));
    await assert.rejects(start({ CustomKeywordField: ['a', 'b'] }), code('INVALID_ARGUMENT', /registered as Keyword, so its value must be a string; got an array \["a","b"\]/));
    await assert.rejects(start({}, { CustomKeywordField: { metadata: { encoding: 'binary/encrypted' }, data: 'xx' } }), code('INVALID_ARGUMENT', /'CustomKeywordField' is encoded as 'binary\/encrypted': the engine indexes JSON values only/));
    assert.equal((await h.engine.countWorkflows({ namespace: 'default' })).count, 0, 'no refused start created a run');
    // Temporal's older array form of a single value, and null (no value), are accepted.
    await start({ CustomKeywordField: ['one'], CustomIntField: null });
    assert.equal((await h.engine.countWorkflows({ namespace: 'default', query: "CustomKeywordField = 'one'" })).count, 1);
    assert.equal((await h.engine.countWorkflows({ namespace: 'default', query: 'CustomIntField IS NULL' })).count, 1);
    await h.close();
  });

  it("refuses a workflow task whose upsert names an unregistered key, changing nothing; registering the key lets the retry through", async () => {
    const h = await openEngine(join(dir, 'upsert-check.db'));
    const e = h.engine;
    await e.startWorkflow({ namespace: 'default', workflowId: 'u', workflowType: 't', taskQueue: 'q', input: [] });
    const upsert = { type: 'ModifyProperties' as const, searchAttributes: payloads({ OrderRegion: 'eu' }) };
    const t = await nextTask(e, 'default', 'q');
    await assert.rejects(
      e.completeWorkflowTask({ taskToken: t.taskToken, commands: [upsert], sawUpTo: t.lastEventId, time: Date.now() }),
      code('INVALID_ARGUMENT', /commands\[0\] \(ModifyProperties\): upsertSearchAttributes: search attribute 'OrderRegion' is not registered in namespace 'default'; register it with its type first: endure operator search-attribute create --name OrderRegion --type Keyword/),
    );
    assert.equal((await e.getHistory({ namespace: 'default', workflowId: 'u' })).events.length, 1, 'nothing was written');
    // The worker reports the refusal as a failed task (see the integration test); here, by hand.
    await e.failWorkflowTask({ taskToken: t.taskToken, failure: { message: 'refused' } });
    await e.addSearchAttributes({ namespace: 'default', searchAttributes: { OrderRegion: 'Keyword' } });
    await completeTask(e, 'default', 'q', [upsert, { type: 'CompleteWorkflow', result: p(1) }]);
    assert.equal((await e.countWorkflows({ namespace: 'default', query: "OrderRegion = 'eu' AND ExecutionStatus = 'Completed'" })).count, 1);
    await h.close();
  });

  it('carries memo and search attributes over a continue-as-new, so the chain stays findable', async () => {
    const clock = new TestClock();
    const h = await openEngine(join(dir, 'can.db'), { clock });
    const e = h.engine;
    const first = await e.startWorkflow({ namespace: 'default', workflowId: 'chain', workflowType: 't', taskQueue: 'q', input: [], memo: payloads({ m: 1 }), searchAttributes: payloads({ CustomKeywordField: 'kept' }) });
    clock.advance(1000); // the new run starts visibly later
    await completeTask(e, 'default', 'q', [{ type: 'ContinueAsNew', args: [] }]);
    const listed = await e.listWorkflows({ namespace: 'default', query: "CustomKeywordField = 'kept'" });
    assert.deepEqual(listed.executions.map((x) => x.status), ['RUNNING', 'CONTINUED_AS_NEW']);
    assert.notEqual(listed.executions[0]!.runId, first.runId);
    assert.deepEqual(listed.executions[0]!.memo, payloads({ m: 1 }));
    await h.close();
  });
});
