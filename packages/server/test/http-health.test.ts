// Health probes a supervisor can act on: a server whose engine stopped after a storage failure
// (here a disk that really fills up) fails liveness and readiness with the cause; a server
// shutting down is not ready but still live.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { errorOf, post, raw, smallFileSystem, spawnServer, startTestServer, type RawResponse } from './http-support/harness.js';

const KEY = 'health-test-key-0123456789';
const auth = { authorization: `Bearer ${KEY}` };
const get = (url: string, path: string, headers: Record<string, string> = {}) => raw(url, { method: 'GET', path, headers });
const PROBES = ['/v1/health', '/v1/health/ready', '/v1/health/live'];

/** A payload of about `bytes` (JSON text). */
const payload = (bytes: number) => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify('x'.repeat(bytes)) });

/** Sends the start of a request and returns the socket; its answer (raw HTTP text) once it closes. */
function partialRequest(port: number, head: string): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(head);
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  const answer = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  return { socket, answer };
}

describe('health probes', () => {
  it('a stopped engine (disk full) fails liveness and readiness naming the cause; only callers with a key see the file', async (t) => {
    const disk = smallFileSystem(1024);
    if (!disk) return t.skip('needs permission to mount a tmpfs (root with CAP_SYS_ADMIN)');
    try {
      const db = join(disk.dir, 'endure.db');
      const server = await spawnServer(['--db', db, '--port', '0', '--api-key', KEY]);
      try {
        for (const p of PROBES) assert.deepEqual([p, (await get(server.url, p)).json], [p, { status: 'ok' }]);
        // Starts with big inputs until the disk is full: the write that fails stops the engine.
        let failed: RawResponse | undefined;
        for (let i = 0; i < 50 && !failed; i++) {
          const r = await post(server.url, 'startWorkflow', { namespace: 'default', workflowId: `fill-${i}`, workflowType: 'w', taskQueue: 'q', input: [payload(100_000)] }, auth);
          if (r.status !== 200) failed = r;
        }
        assert.ok(failed, 'the 1 MB disk filled up');
        assert.match(errorOf(failed).message, /the disk is full \(SQLITE_FULL\)/);
        const after = await post(server.url, 'describeNamespace', { namespace: 'default' }, auth);
        assert.deepEqual([after.status, errorOf(after).code], [503, 'UNAVAILABLE']);

        for (const p of PROBES) {
          const open = await get(server.url, p);
          assert.equal(open.status, 503, p);
          assert.equal(errorOf(open).code, 'UNAVAILABLE');
          assert.equal(
            errorOf(open).message,
            'the engine stopped after a storage failure (SQLITE_FULL; the full cause is in the server log and in answers to authenticated requests); restart the process once the cause is fixed',
          );
          assert.ok(!open.text.includes(disk.dir), 'no file path to callers without a key');
          const withKey = await get(server.url, p, auth);
          assert.equal(withKey.status, 503);
          assert.equal(
            errorOf(withKey).message,
            `the engine stopped after a storage failure (database ${db}: the disk is full (SQLITE_FULL); free space on the file system that holds ${disk.dir} (see \`df ${disk.dir}\`) or move the database to a larger one); restart the process once the cause is fixed`,
          );
        }
        assert.match(server.stderr(), /the disk is full \(SQLITE_FULL\)/, 'the cause is in the log');
        assert.equal(server.child.exitCode, null, 'the process stays up: restarting it is the supervisor’s call');
      } finally {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    } finally {
      disk.remove();
    }
  });

  it('a server shutting down is not ready but still live; probes take GET and HEAD only', async () => {
    const ts = await startTestServer({ shutdownGraceMs: 5_000 });
    const port = ts.server.port;
    assert.equal((await raw(ts.url, { method: 'HEAD', path: '/v1/health/live' })).status, 200);
    const post405 = await raw(ts.url, { method: 'POST', path: '/v1/health/ready', body: '{}' });
    assert.deepEqual([post405.status, post405.headers['allow']], [405, 'GET']);

    // A request in flight (its body not finished) keeps the server draining; two probes have
    // sent their first bytes, so their connections are not idle and survive the start of close().
    const inFlight = partialRequest(port, 'POST /v1/describeNamespace HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 23\r\n\r\n{"namespace":');
    const ready = partialRequest(port, 'GET /v1/health/ready HTTP/1.1\r\nhost: x\r\n');
    const live = partialRequest(port, 'GET /v1/health/live HTTP/1.1\r\nhost: x\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const closed = ts.close();
    await new Promise((r) => setTimeout(r, 100));
    ready.socket.write('\r\n');
    live.socket.write('\r\n');
    const [readyAnswer, liveAnswer] = await Promise.all([ready.answer, live.answer]);
    assert.match(readyAnswer, /^HTTP\/1\.1 503 /);
    assert.match(readyAnswer, /"the server is shutting down"/);
    assert.match(liveAnswer, /^HTTP\/1\.1 200 /);
    assert.match(liveAnswer, /\{"status":"ok"\}/);
    inFlight.socket.write('"default"}');
    assert.match(await inFlight.answer, /^HTTP\/1\.1 200 /, 'the request in flight is still served');
    await closed;
  });
});
