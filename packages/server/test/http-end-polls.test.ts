// Ending a forwarded poll by name (a cluster node's fan-out): `POST /v1/peer/endPolls` makes the
// named poll answer at once over its own connection, a poll whose end arrived first answers as
// soon as it comes, and only another node of the cluster (its peer credential) may do either.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { Engine } from '@endure/engine';
import { MemoryStore, emptyData } from '@endure/storage/memory';
import { ApiHandler } from '../src/http/handler.js';
import { ApiKeyCheck } from '../src/http/auth.js';
import { resolveOptions } from '../src/http/options.js';

const PEER = 'endure-peer.test-node';

function call(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown, ms: Date.now() - t0 }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const forwarded = (pollId: string) => ({ authorization: `Bearer ${PEER}`, 'x-endure-forwarded': '1', 'x-endure-poll-id': pollId });
const poll = { namespace: 'default', taskQueue: 'q', identity: 'fan-out', timeoutMs: 20_000 };

describe('ending forwarded polls by name', () => {
  let engine: Engine;
  let server: Server;
  let url: string;
  before(async () => {
    engine = await Engine.open(new MemoryStore(emptyData()));
    const opts = resolveOptions({ db: 'unused' });
    const handler = new ApiHandler(engine, opts, new ApiKeyCheck([], (k) => engine.authenticateApiKey(k), (c) => c === PEER), () => engine.health(), engine);
    server = createServer(handler.listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await engine.close();
  });

  it('a waiting poll ended by name answers at once, on its own connection', async () => {
    const waiting = call(url, '/v1/pollWorkflowTask', poll, forwarded('p1'));
    await new Promise((r) => setTimeout(r, 100)); // it waits in the engine
    const ended = await call(url, '/v1/peer/endPolls', { pollIds: ['p1'] }, { authorization: `Bearer ${PEER}` });
    assert.equal(ended.status, 200);
    const answer = await waiting;
    assert.equal(answer.status, 200);
    assert.equal(answer.json, null);
    assert.ok(answer.ms < 10_000, `answered after ${answer.ms} ms, not at its 20 s timeout`);
  });

  it('a poll whose end overtook it answers as soon as it arrives', async () => {
    await call(url, '/v1/peer/endPolls', { pollIds: ['p2'] }, { authorization: `Bearer ${PEER}` });
    const answer = await call(url, '/v1/pollWorkflowTask', poll, forwarded('p2'));
    assert.equal(answer.json, null);
    assert.ok(answer.ms < 10_000, `answered after ${answer.ms} ms`);
  });

  it('only the nodes of the cluster may end polls', async () => {
    const refused = await call(url, '/v1/peer/endPolls', { pollIds: ['p3'] });
    assert.notEqual(refused.status, 200);
    const forged = await call(url, '/v1/peer/endPolls', { pollIds: ['p3'] }, { authorization: 'Bearer endure-peer.forged' });
    assert.equal(forged.status, 401);
  });
});
