// POST /v1/batch, raw and through the http transport, which sends the calls of one event-loop
// turn together (checked by counting what reaches a real server through a small proxy).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTransport } from '@endure/transport';
import { ApiError } from '@endure/protocol';
import { countingProxy, errorOf, post, raw, startTestServer, type TestServer } from './http-support/harness.js';

const start = (workflowId: string) => ({ namespace: 'default', workflowId, workflowType: 'waiter', taskQueue: 'batch', input: [] });
type Results = { results: ({ result: unknown } | { error: { code: string; message: string } })[] };

describe('HTTP batch', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ maxBodyBytes: 64 * 1024 });
  });
  after(() => ts.close());

  it('answers each call in order, each as if it came alone', async () => {
    assert.equal((await post(ts.url, 'startWorkflow', start('b-0'))).status, 200);
    const r = await post(ts.url, 'batch', {
      calls: [
        { operation: 'startWorkflow', request: start('b-1') },
        { operation: 'startWorkflow', request: start('b-1') },
        { operation: 'noSuchThing', request: {} },
        { operation: 'pollActivityTask', request: { namespace: 'default', taskQueue: 'batch', identity: 'me' } },
        { operation: 'startWorkflow', request: { ...start('b-2'), workflowType: 5 } },
        { operation: 'describeWorkflow', request: { namespace: 'default', workflowId: 'b-0' } },
      ],
    });
    assert.equal(r.status, 200, r.text);
    const { results } = r.json as Results;
    assert.equal(results.length, 6);
    assert.ok('result' in results[0]! && typeof (results[0].result as { runId: string }).runId === 'string', JSON.stringify(results[0]));
    const codes = results.map((x) => ('error' in x ? x.error.code : 'ok'));
    assert.deepEqual(codes, ['ok', 'ALREADY_STARTED', 'NOT_FOUND', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'ok']);
    const messages = results.map((x) => ('error' in x ? x.error.message : ''));
    assert.match(messages[2]!, /calls\[2\]\.operation: no such operation 'noSuchThing'/);
    assert.match(messages[3]!, /pollActivityTask waits \(long-poll\) and cannot be batched/);
    assert.match(messages[4]!, /calls\[4\].*workflowType/);
  });

  it('refuses a malformed batch with a 4xx naming the field', async () => {
    const empty = await post(ts.url, 'batch', { calls: [] });
    assert.equal(empty.status, 400);
    assert.match(errorOf(empty).message, /calls/);
    const missing = await post(ts.url, 'batch', {});
    assert.equal(missing.status, 400);
    assert.match(errorOf(missing).message, /calls/);
    const tooMany = await post(ts.url, 'batch', { calls: Array.from({ length: 257 }, () => ({ operation: 'listNamespaces', request: {} })) });
    assert.equal(tooMany.status, 400);
    assert.match(errorOf(tooMany).message, /calls/);
    const get = await raw(ts.url, { method: 'GET', path: '/v1/batch' });
    assert.equal(get.status, 405);
  });

  it('the transport sends the calls of one turn as one batch, and a lone call alone', async () => {
    const proxy = await countingProxy(ts.url);
    const t = await openTransport(proxy.url);
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `t-${i}`);
      const started = await Promise.all(ids.map((id) => t.api.startWorkflow(start(id))));
      assert.equal(new Set(started.map((s) => s.runId)).size, 20, 'every start got its own run');
      assert.equal(proxy.counts.get('/v1/batch'), 1, 'one batch request for 20 starts');
      assert.equal(proxy.counts.get('/v1/startWorkflow'), undefined);

      // Failures stay per call: a duplicate fails alone, its neighbours succeed.
      const outcomes = await Promise.allSettled([t.api.startWorkflow(start('t-0')), t.api.startWorkflow(start('t-new'))]);
      assert.equal(outcomes[0].status, 'rejected');
      assert.ok(outcomes[0].status === 'rejected' && outcomes[0].reason instanceof ApiError && outcomes[0].reason.code === 'ALREADY_STARTED');
      assert.equal(outcomes[1].status, 'fulfilled');
      assert.equal(proxy.counts.get('/v1/batch'), 2);

      await t.api.startWorkflow(start('t-alone'));
      assert.equal(proxy.counts.get('/v1/startWorkflow'), 1, 'a lone call is sent as itself');
    } finally {
      await t.close();
      await proxy.close();
    }
  });
});
