// API fuzzing (issue 4, acceptance 3): over a thousand malformed or hostile requests against a
// real server process. Each must get a 4xx with a JSON message; the server must stay up and the
// stored workflows must read back exactly as before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { ApiErrorCode } from '@endure/protocol';
import { fuzzCases, type FuzzCase } from './http-support/fuzz-cases.js';
import { post, raw, spawnServer, tempDir, type ChildServer, type RawResponse } from './http-support/harness.js';

const SEED = 20_240_404;
const COUNT = 1_200;
const EXISTING = ['fz-running', 'fz-signaled', 'fz-terminated'];

/** Sends junk of `c.hugeBytes`, stopping as soon as the server answers. */
function sendHuge(url: string, c: FuzzCase): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...c.headers, ...(c.declareLength ? { 'content-length': String(c.hugeBytes) } : {}) };
    let answered = false;
    const req = request(`${url}${c.path}`, { method: c.method, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) as unknown });
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, '{');
    let sent = 0;
    const pump = () => {
      while (!answered && sent < c.hugeBytes!) {
        const more = req.write(chunk);
        sent += chunk.length;
        if (!more) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** What a client can read back about a workflow: its description and full history. */
async function snapshot(url: string): Promise<string> {
  const out: unknown[] = [];
  for (const workflowId of EXISTING) {
    out.push((await post(url, 'describeWorkflow', { namespace: 'default', workflowId })).json);
    out.push((await post(url, 'getHistory', { namespace: 'default', workflowId })).json);
  }
  out.push((await post(url, 'countWorkflows', { namespace: 'default' })).json);
  out.push((await post(url, 'listNamespaces', {})).json);
  out.push((await post(url, 'listSearchAttributes', { namespace: 'default' })).json);
  return JSON.stringify(out);
}

describe('API fuzzing', () => {
  const t = tempDir();
  let server: ChildServer;
  before(async () => {
    server = await spawnServer(['--db', join(t.dir, 'fuzz.db'), '--port', '0']);
    for (const workflowId of EXISTING) {
      const r = await post(server.url, 'startWorkflow', { namespace: 'default', workflowId, workflowType: 'w', taskQueue: 'fz-queue', input: [] });
      assert.equal(r.status, 200);
    }
    assert.equal((await post(server.url, 'signalWorkflow', { namespace: 'default', workflowId: 'fz-signaled', signalName: 'hello', input: [] })).status, 200);
    assert.equal((await post(server.url, 'terminateWorkflow', { namespace: 'default', workflowId: 'fz-terminated', reason: 'done' })).status, 200);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    t.remove();
  });

  it(`answers ${COUNT} malformed or hostile requests with 4xx and a JSON message, and changes nothing`, async () => {
    const before = await snapshot(server.url);
    const cases = [...fuzzCases(SEED, COUNT, EXISTING)];
    assert.equal(cases.length, COUNT);
    const seen = new Map<string, number>();
    const failures: string[] = [];
    const run = async (c: FuzzCase) => {
      const r = await (c.hugeBytes ? sendHuge(server.url, c) : raw(server.url, { method: c.method, path: c.path, headers: c.headers, ...(c.body !== undefined ? { body: c.body } : {}) })).catch((err: Error) => err);
      if (r instanceof Error) return void failures.push(`[${c.category}] ${c.method} ${c.path.slice(0, 80)} → no answer: ${r.message}`);
      seen.set(c.category, (seen.get(c.category) ?? 0) + 1);
      const error = (r.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const problem =
        r.status < 400 || r.status >= 500 ? `HTTP ${r.status}`
        : !error ? 'no JSON error body'
        : !ApiErrorCode.safeParse(error.code).success ? `unknown code ${String(error.code)}`
        : typeof error.message !== 'string' || error.message.length < 10 ? 'no clear message'
        : /\n\s+at /.test(error.message) ? 'a stack trace in the message'
        : undefined;
      if (problem) failures.push(`[${c.category}] ${c.method} ${c.path.slice(0, 80)} ${String(c.body ?? '').slice(0, 160)} → ${problem}: ${r.text.slice(0, 300)}`);
    };
    // A few at a time, as concurrent clients would send them.
    for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(run));

    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${COUNT} requests were not answered properly`);
    assert.ok(seen.size >= 14, `every category ran: ${JSON.stringify(Object.fromEntries(seen))}`);
    assert.equal(server.child.exitCode, null, 'the server process is still running');
    assert.equal((await raw(server.url, { method: 'GET', path: '/v1/health' })).status, 200);
    assert.equal(await snapshot(server.url), before, 'stored workflows read back unchanged');
    assert.doesNotMatch(server.stderr(), /"level":"error"/, 'no internal errors were logged');
  });

  it('is deterministic: the same seed gives the same requests', () => {
    const a = [...fuzzCases(SEED, 200, EXISTING)].map((c) => `${c.method} ${c.path} ${String(c.body)}`);
    const b = [...fuzzCases(SEED, 200, EXISTING)].map((c) => `${c.method} ${c.path} ${String(c.body)}`);
    assert.deepEqual(a, b);
  });
});
