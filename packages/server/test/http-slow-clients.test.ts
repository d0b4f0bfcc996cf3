// Slow clients (slowloris) cannot hold the server: sockets that send nothing, headers a byte at
// a time, or a body that never ends are cut off after the configured timeouts, while normal
// requests are served; past the connection cap new connections are refused; long-polls, which
// wait after their request is in, are not cut by these timeouts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { post, raw, startTestServer } from './http-support/harness.js';
import type { ServerLogEntry } from '../src/index.js';

interface SlowSocket {
  socket: Socket;
  /** What the server sent before closing it. */
  answer: Promise<string>;
  /** When it closed, in ms since the test's start. */
  closedAt: Promise<number>;
}

/** Opens a socket and feeds it `text` one byte every `everyMs` (all of it at once when 0). */
function slowSocket(port: number, text: string, everyMs: number, t0: number): SlowSocket {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let i = 0;
  const feed =
    everyMs > 0
      ? setInterval(() => {
          if (i < text.length && socket.writable) socket.write(text[i++]!);
        }, everyMs)
      : undefined;
  if (everyMs === 0 && text) socket.write(text);
  socket.on('data', (c: Buffer) => (received += c.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  void closed.then(() => clearInterval(feed));
  return { socket, answer: closed.then(() => received), closedAt: closed.then(() => Date.now() - t0) };
}

/** `p`, or a failure naming `what` after `ms`: a socket the server never closes fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const HEAD_BYTE_BY_BYTE = 'POST /v1/describeNamespace HTTP/1.1\r\nhost: slow\r\ncontent-type: application/json\r\ncontent-length: 25\r\n\r\n';
const BODY_NEVER_ENDS = `${HEAD_BYTE_BY_BYTE}{"namespace":`;

describe('slow clients', () => {
  it('sockets that send nothing, dribble headers, or never finish a body are closed after the timeouts; normal requests are served meanwhile', async () => {
    const ts = await startTestServer({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
    try {
      const t0 = Date.now();
      const port = ts.server.port;
      const silent = Array.from({ length: 40 }, () => slowSocket(port, '', 0, t0));
      const dribbling = Array.from({ length: 40 }, () => slowSocket(port, HEAD_BYTE_BY_BYTE, 20, t0));
      const bodiless = Array.from({ length: 40 }, () => slowSocket(port, BODY_NEVER_ENDS, 0, t0));
      const slow = [...silent, ...dribbling, ...bodiless];
      await new Promise((r) => setTimeout(r, 100));
      const ok = await post(ts.url, 'describeNamespace', { namespace: 'default' });
      assert.equal(ok.status, 200, 'a normal request is served while 120 slow sockets are open');
      assert.ok(slow.every((s) => !s.socket.destroyed), 'the slow sockets were still open then');

      const closedAt = await within(Promise.all(slow.map((s) => s.closedAt)), 5_000, 'the server closed every slow socket');
      // Headers are due after 400 ms, the whole request after 800 ms; the server checks every 100 ms.
      for (const at of closedAt.slice(0, 80)) assert.ok(at >= 350 && at < 3_000, `header timeout: closed at ${at} ms`);
      for (const at of closedAt.slice(80)) assert.ok(at >= 750 && at < 3_500, `request timeout: closed at ${at} ms`);
      const answer = await dribbling[0]!.answer;
      assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.ok(
        answer.includes('"the request was not received in time: its headers must arrive within 400 ms and all of it within 800 ms (server options headersTimeoutMs and requestTimeoutMs, --headers-timeout and --request-timeout)"'),
        answer,
      );
      assert.match(await bodiless[0]!.answer, /^HTTP\/1\.1 408 /);
      assert.equal((await post(ts.url, 'describeNamespace', { namespace: 'default' })).status, 200);
    } finally {
      await ts.close();
    }
  });

  it('past the connection cap new connections are closed at once, and logged naming the option; room again once some close', async () => {
    const logs: ServerLogEntry[] = [];
    const ts = await startTestServer({ maxConnections: 20, headersTimeoutMs: 1_000, requestTimeoutMs: 1_000, logger: (e) => logs.push(e) });
    try {
      const t0 = Date.now();
      const port = ts.server.port;
      const held = Array.from({ length: 20 }, () => slowSocket(port, '', 0, t0));
      await new Promise((r) => setTimeout(r, 150));
      const extra = Array.from({ length: 5 }, () => slowSocket(port, 'GET /v1/health HTTP/1.1\r\nhost: x\r\n\r\n', 0, t0));
      for (const s of extra) {
        assert.ok((await s.closedAt) < 600, 'closed as it arrived, long before any timeout');
        assert.equal(await s.answer, '', 'nothing was read or answered');
      }
      assert.ok(held.every((s) => !s.socket.destroyed), 'the connections within the cap are untouched');
      const warning = logs.find((e) => e.level === 'warn' && /refused \d+ connection\(s\): 20 are open/.test(e.message));
      assert.ok(warning, `the refusals are logged: ${JSON.stringify(logs)}`);
      assert.match(warning.message, /server option maxConnections, --max-connections/);

      await within(Promise.all(held.map((s) => s.closedAt)), 5_000, 'the header timeout freed the held connections');
      assert.deepEqual((await raw(ts.url, { method: 'GET', path: '/v1/health' })).json, { status: 'ok' });
    } finally {
      await ts.close();
    }
  });

  it('long-polls are not cut by the request timeout, nor is a keep-alive connection idle between requests', async () => {
    const ts = await startTestServer({ headersTimeoutMs: 200, requestTimeoutMs: 300 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const started = await post(ts.url, 'startWorkflow', { namespace: 'default', workflowId: 'long-poll', workflowType: 'w', taskQueue: 'nobody', input: [] });
      assert.equal(started.status, 200);
      const longPoll = () =>
        new Promise<{ status: number; ms: number; socket: unknown }>((resolve, reject) => {
          const body = JSON.stringify({ namespace: 'default', workflowId: 'long-poll', timeoutMs: 1_000 });
          const t = Date.now();
          const req = request(`${ts.url}/v1/getResult`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - t, socket: req.socket }));
          });
          req.on('error', reject);
          req.end(body);
        });
      const first = await longPoll();
      assert.equal(first.status, 200);
      assert.ok(first.ms >= 950, `the long-poll waited its full second (${first.ms} ms), past the 300 ms request timeout`);
      await new Promise((r) => setTimeout(r, 600)); // idle on the keep-alive connection, past both timeouts
      const second = await longPoll();
      assert.equal(second.status, 200);
      assert.ok(second.ms >= 950);
      assert.equal(second.socket, first.socket, 'the same keep-alive connection served both');
    } finally {
      agent.destroy();
      await ts.close();
    }
  });

  it('refuses a header timeout longer than the request timeout, naming both flags', async () => {
    await assert.rejects(startTestServer({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }), {
      name: 'ServerConfigError',
      message: 'headersTimeoutMs (--headers-timeout, 5000 ms) must not exceed requestTimeoutMs (--request-timeout, 1000 ms): the headers are part of the request',
    });
  });
});
