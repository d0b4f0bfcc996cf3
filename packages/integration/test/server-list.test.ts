// An address that lists several servers (`http://a:7233,http://b:7233`, the nodes of a cluster):
// clients and workers use one and move to the next when it cannot be reached. Two proxies on
// 127.0.0.1 stand in for two nodes in front of one real server process; closing a proxy is a
// node going away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, ServiceError } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { parseAddress } from '@endure/transport';
import { uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';
import { startServerProcess, type ServerProcess } from '../src/server-process.js';
import { startFaultyProxy } from '../src/faulty-proxy.js';

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('addresses listing several servers', () => {
  it('parse into every server, in order; mixed schemes and empty entries are refused by name', () => {
    const p = parseAddress('http://10.0.0.1:7233, http://10.0.0.2:7233');
    assert.equal(p.kind, 'http');
    assert.deepEqual(p.kind === 'http' && p.baseUrls, ['http://10.0.0.1:7233', 'http://10.0.0.2:7233']);
    const bare = parseAddress('a:7233,b');
    assert.deepEqual(bare.kind === 'http' && bare.baseUrls, ['http://a:7233', 'http://b:7233']);
    assert.deepEqual((parseAddress('a,b', 'https') as { baseUrls: string[] }).baseUrls, ['https://a:7233', 'https://b:7233']);
    assert.throws(() => parseAddress('http://a:7233,https://b:7233'), /mixes http:\/\/ and https:\/\//);
    assert.throws(() => parseAddress('http://a:7233,,http://b:7233'), /empty entry/);
    assert.throws(() => parseAddress('http://a:7233,sqlite:x.db'), /'sqlite:x.db', which is not a server/);
  });

  describe('against a real server behind two proxies', () => {
    let dir: string;
    let server: ServerProcess;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'endure-server-list-'));
      server = await startServerProcess(join(dir, 'endure.db'));
    });
    after(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a server that refuses connections is skipped: the call goes to the next one', async () => {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const connection = await Connection.connect({ address: `${dead},${server.address}` });
      try {
        const client = new Client({ connection });
        const listed = await client.workflow.count();
        assert.equal(typeof listed.count, 'number');
      } finally {
        await connection.close();
      }
    });

    it('no server reachable: one error naming each server and why, at once', async () => {
      const a = `http://127.0.0.1:${await closedPort()}`;
      const b = `http://127.0.0.1:${await closedPort()}`;
      const connection = await Connection.connect({ address: `${a},${b}` });
      try {
        const started = Date.now();
        await assert.rejects(new Client({ connection }).workflow.count(), (err: unknown) => {
          assert.ok(err instanceof ServiceError, String(err));
          assert.equal(err.code, 'UNAVAILABLE');
          assert.match(err.message, new RegExp(`cannot reach any Endure server of ${a},${b} \\(${a}: .*ECONNREFUSED.*; ${b}: .*ECONNREFUSED`));
          return true;
        });
        assert.ok(Date.now() - started < 5_000, 'refused connections fail fast');
      } finally {
        await connection.close();
      }
    });

    it('a worker and a client keep working when the server they use goes away: workflows started before and after complete', async () => {
      const first = await startFaultyProxy(server.address, () => undefined);
      const second = await startFaultyProxy(server.address, () => undefined);
      const address = `${first.url},${second.url}`;
      const connection = await Connection.connect({ address });
      const workerConnection = await NativeConnection.connect({ address });
      const taskQueue = uid('server-list');
      const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, shutdownGraceTime: 500 });
      const running = worker.run();
      try {
        const client = new Client({ connection });
        assert.deepEqual(await client.workflow.execute('sequence', { taskQueue, workflowId: uid('before'), args: [2] }), [0, 1]);
        const sleeping = await client.workflow.start('sleepy', { taskQueue, workflowId: uid('across'), args: [300] });
        await first.close(); // the node both were using goes away, sockets and all
        assert.ok(((await sleeping.result()) as { slept: number }).slept >= 300);
        assert.deepEqual(await client.workflow.execute('sequence', { taskQueue, workflowId: uid('after'), args: [3] }), [0, 1, 2]);
        assert.equal(worker.getState(), 'RUNNING');
      } finally {
        worker.shutdown();
        await running;
        await workerConnection.close();
        await connection.close();
        await second.close();
        await first.close().catch(() => {});
      }
    });
  });
});
