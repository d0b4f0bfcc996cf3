// Every route over real HTTP: reachability, the error format and statuses, and the body rules.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ENGINE_OPERATIONS } from '@endure/protocol';
import { errorOf, post, raw, startTestServer, type TestServer } from './http-support/harness.js';

const json = { 'content-type': 'application/json' };
const start = (workflowId: string, extra: Record<string, unknown> = {}) => ({ namespace: 'default', workflowId, workflowType: 'waiter', taskQueue: 'routes', input: [], ...extra });

describe('HTTP routes', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ maxBodyBytes: 64 * 1024 });
  });
  after(() => ts.close());

  it('reaches every operation at POST /v1/<operation>: an empty body is validated, never a 404 or 500', async () => {
    for (const operation of ENGINE_OPERATIONS) {
      const r = await post(ts.url, operation, {});
      assert.ok(r.status !== 404 && r.status < 500, `${operation}: HTTP ${r.status} ${r.text}`);
      if (r.status === 400) {
        const e = errorOf(r);
        assert.equal(e.code, 'INVALID_ARGUMENT');
        assert.match(e.message, new RegExp(`invalid ${operation} request: \\w+`), `${operation} names the bad field: ${e.message}`);
        assert.ok(Array.isArray(e.details?.['problems']), 'the problems are listed one by one');
      } else {
        assert.equal(r.status, 200, `${operation}: ${r.text}`);
      }
    }
  });

  it('names the field and the reason of a bad request', async () => {
    const r = await post(ts.url, 'startWorkflow', { namespace: 'default', workflowId: '', workflowType: 5, taskQueue: 'q', input: [] });
    assert.equal(r.status, 400);
    const e = errorOf(r);
    assert.match(e.message, /workflowId: workflowId must not be empty/);
    assert.match(e.message, /workflowType: .*expected string/i);
  });

  it('answers each error code with its HTTP status', async () => {
    assert.equal((await post(ts.url, 'startWorkflow', start('codes-1'))).status, 200);
    const dup = await post(ts.url, 'startWorkflow', start('codes-1'));
    assert.deepEqual([dup.status, errorOf(dup).code], [409, 'ALREADY_STARTED']);
    const missing = await post(ts.url, 'describeWorkflow', { namespace: 'default', workflowId: 'nope' });
    assert.deepEqual([missing.status, errorOf(missing).code], [404, 'NOT_FOUND']);
    assert.equal((await post(ts.url, 'terminateWorkflow', { namespace: 'default', workflowId: 'codes-1' })).status, 200);
    const closed = await post(ts.url, 'signalWorkflow', { namespace: 'default', workflowId: 'codes-1', signalName: 's', input: [] });
    assert.deepEqual([closed.status, errorOf(closed).code], [409, 'FAILED_PRECONDITION']);
    const badToken = await post(ts.url, 'completeActivityTask', { taskToken: 'garbage' });
    assert.ok(badToken.status >= 400 && badToken.status < 500, `a bad task token is the caller's error: ${badToken.status} ${badToken.text}`);
  });

  it('serves health openly and refuses unknown routes and wrong methods with JSON', async () => {
    const health = await raw(ts.url, { method: 'GET', path: '/v1/health' });
    assert.deepEqual([health.status, health.json], [200, { status: 'ok' }]);
    const unknown = await raw(ts.url, { method: 'GET', path: '/admin/secrets' });
    assert.equal(unknown.status, 404);
    assert.match(errorOf(unknown).message, /no such endpoint: GET \/admin\/secrets/);
    assert.ok(!unknown.text.includes(ts.dir), 'nothing about the server leaks');
    const unknownOp = await post(ts.url, 'dropDatabase', {});
    assert.equal(unknownOp.status, 404);
    const get = await raw(ts.url, { method: 'GET', path: '/v1/startWorkflow' });
    assert.equal(get.status, 405);
    assert.equal(get.headers['allow'], 'POST');
    assert.match(errorOf(get).message, /use POST \/v1\/startWorkflow/);
    assert.equal((await raw(ts.url, { method: 'DELETE', path: '/v1/health' })).status, 405);
  });

  it('wants JSON: bad JSON, another content type, deep nesting and __proto__ are 400/415 naming the problem', async () => {
    const bad = await raw(ts.url, { path: '/v1/startWorkflow', headers: json, body: '{"namespace": "default",' });
    assert.equal(bad.status, 400);
    assert.match(errorOf(bad).message, /request body is not valid JSON: /);
    const form = await raw(ts.url, { path: '/v1/startWorkflow', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.equal(form.status, 415);
    assert.match(errorOf(form).message, /Content-Type: application\/json/);
    const untyped = await raw(ts.url, { path: '/v1/describeWorkflow', body: JSON.stringify({ namespace: 'default', workflowId: 'nope' }) });
    assert.equal(untyped.status, 404, 'a body without content-type is still read as JSON');
    const deep = await raw(ts.url, { path: '/v1/startWorkflow', headers: json, body: '['.repeat(5000) + ']'.repeat(5000) });
    assert.equal(deep.status, 400);
    assert.match(errorOf(deep).message, /nested deeper than 64 levels/);
    const proto = await raw(ts.url, { path: '/v1/startWorkflow', headers: json, body: '{"__proto__": {"admin": true}}' });
    assert.equal(proto.status, 400);
    const array = await raw(ts.url, { path: '/v1/startWorkflow', headers: json, body: '[1,2]' });
    assert.equal(array.status, 400);
    assert.match(errorOf(array).message, /\(request\): .*expected object/i);
  });

  it('rejects bodies over the limit with 413 without reading them all', async () => {
    // Declared far over the limit: refused before a byte of it is read.
    const declared = await raw(ts.url, { path: '/v1/startWorkflow', headers: { ...json, 'content-length': String(200 * 1024 * 1024) }, body: '' }).catch((e: Error) => e);
    assert.ok(!(declared instanceof Error), `the client got an answer before sending 200 MB: ${String(declared)}`);
    assert.equal(declared.status, 413);
    assert.match(errorOf(declared).message, /over the server's 64 KB limit/);
    // Chunked: no length up front; the server drops what passes the limit and refuses at the end.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${ts.url}/v1/startWorkflow`, { method: 'POST', headers: json }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 200) {
          const more = req.write(chunk);
          sent++;
          if (!more) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(streamed, 413);
  });

  it('turns a payload over the engine limit into 413 PAYLOAD_TOO_LARGE', async () => {
    const big = { metadata: { encoding: 'json/plain' }, data: JSON.stringify('x'.repeat(40 * 1024)) };
    const small = await startTestServer({ engine: { maxPayloadBytes: 1024 } });
    try {
      const r = await post(small.url, 'startWorkflow', start('big-1', { input: [big] }));
      assert.deepEqual([r.status, errorOf(r).code], [413, 'PAYLOAD_TOO_LARGE']);
    } finally {
      await small.close();
    }
  });
});
