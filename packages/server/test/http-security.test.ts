// API keys, the refusal to serve a non-loopback address without them, and TLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { ApiError } from '@endure/protocol';
import { ServerConfigError, startServer } from '../src/index.js';
import { errorOf, post, raw, selfSignedCert, spawnServer, startTestServer, tempDir, type TestServer } from './http-support/harness.js';

const KEY = 'test-key-0123456789abcdef';
const describeReq = { namespace: 'default', workflowId: 'nope' };

describe('API keys', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ apiKeys: ['other-key-0123456789abcdef', KEY] });
  });
  after(() => ts.close());

  it('refuses requests without the key or with a wrong one, with 401 and a clear message', async () => {
    const none = await post(ts.url, 'describeWorkflow', describeReq);
    assert.deepEqual([none.status, errorOf(none).code], [401, 'UNAUTHENTICATED']);
    assert.match(errorOf(none).message, /requires an API key: send the header 'Authorization: Bearer <key>'/);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    const wrong = await post(ts.url, 'describeWorkflow', describeReq, { authorization: `Bearer ${KEY}x` });
    assert.deepEqual([wrong.status, errorOf(wrong).message], [401, 'the API key is not valid for this server (wrong, or revoked)']);
    const basic = await post(ts.url, 'describeWorkflow', describeReq, { authorization: 'Basic dXNlcjpwYXNz' });
    assert.match(errorOf(basic).message, /must be 'Bearer <key>'/);
    const openapi = await raw(ts.url, { method: 'GET', path: '/v1/openapi.json' });
    assert.equal(openapi.status, 401, 'everything but health needs the key');
  });

  it('accepts any configured key, and leaves health open', async () => {
    const right = await post(ts.url, 'describeWorkflow', describeReq, { authorization: `Bearer ${KEY}` });
    assert.deepEqual([right.status, errorOf(right).code], [404, 'NOT_FOUND'], 'authenticated: the request reached the engine');
    assert.equal((await raw(ts.url, { method: 'GET', path: '/v1/health' })).status, 200);
  });

  it('lets a client with apiKey in, and tells one without it what is wrong', async () => {
    const good = await Connection.connect({ address: ts.url, apiKey: KEY });
    const bad = await Connection.connect({ address: ts.url });
    try {
      const h = await new Client({ connection: good }).workflow.start('anything', { taskQueue: 'nobody', workflowId: 'auth-1' });
      assert.equal((await h.describe()).status.name, 'RUNNING');
      await assert.rejects(bad.engine.describeWorkflow({ namespace: 'default', workflowId: 'auth-1' }), (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED');
    } finally {
      await good.close();
      await bad.close();
    }
  });
});

describe('binding beyond loopback', () => {
  it('refuses to start without API keys, naming the flags that fix it', async () => {
    const t = tempDir();
    try {
      await assert.rejects(startServer({ db: join(t.dir, 'a.db'), host: '0.0.0.0', port: 0 }), (e: unknown) => {
        return e instanceof ServerConfigError && /refusing to listen on 0\.0\.0\.0 without API keys/.test(e.message) && /--api-key/.test(e.message) && /--insecure-no-auth/.test(e.message);
      });
      await assert.rejects(startServer({ db: join(t.dir, 'a.db'), port: 0, apiKeys: ['short'] }), /at least 16 characters/);
      const withKey = await startServer({ db: join(t.dir, 'b.db'), host: '0.0.0.0', port: 0, apiKeys: [KEY] });
      await withKey.close();
      const insecure = await startServer({ db: join(t.dir, 'c.db'), host: '0.0.0.0', port: 0, insecureNoAuth: true });
      assert.equal((await post(`http://127.0.0.1:${insecure.port}`, 'describeWorkflow', describeReq)).status, 404, 'no key needed when said out loud');
      await insecure.close();
    } finally {
      t.remove();
    }
  });

  it('run-server exits 2 with the same message', async () => {
    const t = tempDir();
    try {
      await assert.rejects(spawnServer(['--db', join(t.dir, 'a.db'), '--host', '0.0.0.0', '--port', '0']), /exited \(2\).*--insecure-no-auth/s);
    } finally {
      t.remove();
    }
  });
});

describe('TLS', () => {
  it('serves https with a given certificate; clients trust it through tls.ca', async () => {
    const t = tempDir();
    const cert = selfSignedCert(t.dir);
    const ts = await startTestServer({ tls: cert });
    try {
      assert.match(ts.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(cert.certFile);
      const health = await raw(ts.url, { method: 'GET', path: '/v1/health', ca });
      assert.equal(health.status, 200);
      const connection = await Connection.connect({ address: ts.url, tls: { ca } });
      const h = await new Client({ connection }).workflow.start('anything', { taskQueue: 'nobody', workflowId: 'tls-1' });
      assert.equal((await h.describe()).workflowId, 'tls-1');
      await connection.close();
      const untrusting = await Connection.connect({ address: ts.url });
      await assert.rejects(untrusting.engine.describeWorkflow(describeReq), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && /tls: \{ serverRootCACertificate \}/.test(e.message));
      await untrusting.close();
    } finally {
      await ts.close();
      t.remove();
    }
    await assert.rejects(startServer({ db: join(t.dir, 'x.db'), tls: { certFile: join(t.dir, 'missing.pem'), keyFile: cert.keyFile } }), /cannot read the TLS certificate file .*missing\.pem/);
  });
});
