// Connections given no address go where Temporal's do: ENDURE_ADDRESS, else `localhost:7233`,
// where `endure server start-dev` listens by default. Real CLI and server processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@endure/client';
import { ApiError } from '@endure/protocol';
import { localhostFirstLookup } from '@endure/transport';
import { NativeConnection, Worker } from '@endure/worker';
import { makeActivities } from '../src/activities.js';
import { workflowsPath } from '../src/harness.js';
import { startServerProcess } from '../src/server-process.js';
import { withDevServerPort } from '../src/dev-port-lock.js';

const ENDURE_BIN = join(dirname(createRequire(import.meta.url).resolve('@endure/server')), '..', '..', 'bin', 'endure.js');

/** The test process's environment without ENDURE_* and TEMPORAL_* (a developer's shell may set them). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ENDURE_') && !k.startsWith('TEMPORAL_')));
}

/** Runs `fn` with ENDURE_ADDRESS set to `value` (or unset), restoring it after. */
async function withEndureAddress<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env['ENDURE_ADDRESS'];
  if (value === undefined) delete process.env['ENDURE_ADDRESS'];
  else process.env['ENDURE_ADDRESS'] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env['ENDURE_ADDRESS'];
    else process.env['ENDURE_ADDRESS'] = saved;
  }
}

function endure(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENDURE_BIN, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether something already listens on 127.0.0.1:`port` (another developer's dev server). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-default-address-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('endure server start-dev on its default address', () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('listens on 127.0.0.1:7233, which clients, workers and the CLI given no address reach; a second one says the port is taken', (t) =>
    withDevServerPort(async () => {
    if (await portTaken(7233)) {
      t.skip('port 7233 is in use by another process on this machine');
      return;
    }
    child = spawn(process.execPath, [ENDURE_BIN, 'server', 'start-dev'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const dev = child;
    let stderr = '';
    dev.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
    const lines = await new Promise<string[]>((resolve, reject) => {
      const out: string[] = [];
      createInterface({ input: dev.stdout! }).on('line', (line) => {
        out.push(line);
        if (out.length === 2) resolve(out);
      });
      void exited.then((code) => reject(new Error(`start-dev exited ${code} before it was ready: ${stderr}`)));
    });
    assert.match(lines[0]!, /^Endure server listening on http:\/\/127\.0\.0\.1:7233 \(db .*\.endure\/endure\.db\)$/);
    assert.match(lines[1]!, /^Clients connect to localhost:7233, the default: Connection\.connect\(\) and NativeConnection\.connect\(\) without an address/);

    await withEndureAddress(undefined, async () => {
      // Worker.create without a connection opens NativeConnection.connect(), as in Temporal.
      const worker = await Worker.create({ taskQueue: 'default-address', workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, shutdownGraceTime: 500 });
      const connection = await Connection.connect();
      try {
        assert.equal(connection.address, 'http://localhost:7233');
        const client = new Client({ connection });
        const result = await worker.runUntil(client.workflow.execute('echoWorkflow', { taskQueue: 'default-address', workflowId: 'by-default', args: ['found it'] }));
        assert.equal(result, 'found it');
      } finally {
        await connection.close();
      }
      const native = await NativeConnection.connect({ address: 'localhost' });
      assert.equal((await native.engine.describeWorkflow({ namespace: 'default', workflowId: 'by-default' })).status, 'COMPLETED', 'a host alone means port 7233');
      await native.close();
    });

    const cli = await endure(['workflow', 'describe', '-w', 'by-default', '-o', 'json'], dir);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { status: string }).status, 'COMPLETED');

    const second = await endure(['server', 'start-dev', '--db', join(dir, 'second.db')], dir);
    assert.equal(second.code, 2);
    assert.equal(second.stderr, 'error: port 7233 on 127.0.0.1 is already in use (another endure server?): stop it, or pick another port with --port (0 for any free one)\n');

    dev.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    await withEndureAddress(undefined, async () => {
      const nobody = await Connection.connect();
      await assert.rejects(nobody.engine.describeNamespace({ namespace: 'default' }), (e: unknown) => {
        // localhost is tried on both families, 127.0.0.1 first; the message shows each refusal.
        return e instanceof ApiError && e.code === 'UNAVAILABLE' && e.message.startsWith('cannot reach Endure server at http://localhost:7233: connect ECONNREFUSED 127.0.0.1:7233');
      });
      await nobody.close();
    });
    const none = await endure(['workflow', 'list'], dir);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /^error: cannot reach Endure server at localhost:7233; start one with `endure server start-dev` .*or use --address sqlite:\.\/endure\.db/);
    // The other way the message names: a database file no process holds, opened by the CLI itself.
    const local = await endure(['--address', 'sqlite:./endure.db', 'workflow', 'list'], dir);
    assert.deepEqual([local.code, local.stderr], [0, '']);
    const keyed = await endure(['--address', 'sqlite:./endure.db', '--api-key', 'some-key-0123456789', 'workflow', 'list'], dir);
    assert.equal(keyed.code, 2);
    assert.match(keyed.stderr, /^error: --api-key \(or ENDURE_API_KEY\) is for a server; --address sqlite:\.\/endure\.db opens the database in this process/);
    }));
});

describe('connections given no address, or one without a scheme', () => {
  it('use ENDURE_ADDRESS', async () => {
    const server = await startServerProcess(join(dir, 'env.db'));
    const port = new URL(server.address).port;
    try {
      await withEndureAddress(`127.0.0.1:${port}`, async () => {
        const connection = await Connection.connect();
        assert.equal(connection.address, `http://127.0.0.1:${port}`);
        assert.equal((await connection.engine.describeNamespace({ namespace: 'default' })).namespace, 'default');
        await connection.close();
      });
    } finally {
      await server.stop();
    }
  });

  it('reach a server on ::1 by [::1]:port and by localhost:port (localhost tries 127.0.0.1, then ::1)', async () => {
    const server = await startServerProcess(join(dir, 'v6.db'), { args: ['--host', '::1'] });
    const port = new URL(server.address).port;
    try {
      for (const address of [`[::1]:${port}`, `localhost:${port}`]) {
        const connection = await NativeConnection.connect({ address });
        assert.equal((await connection.engine.describeNamespace({ namespace: 'default' })).namespace, 'default', address);
        await connection.close();
      }
    } finally {
      await server.stop();
    }
    const order = await new Promise<unknown>((resolve) => localhostFirstLookup('localhost', { all: true }, (_err, addresses) => resolve(addresses)));
    assert.deepEqual(order, [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
  });
});
