// A SQLite file another process holds is one clear line, naming the holder and the fix, at every
// entry point: the CLI, `endure server start-dev`, Connection.connect / NativeConnection.connect,
// Worker.create, and the hello example. The holders are real child processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { endure, startDevServer, tempDir, type CliResult, type DevServer } from './fixtures/cli-harness.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-database.js', import.meta.url));
const HELLO = fileURLToPath(new URL('../../../../examples/hello/dist/src/main.js', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** An embedded engine on `db` in a child process, once it holds the file. */
async function holdInChild(db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, db], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

function run(file: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The error's stack shows its message and then only the caller's frames (here, this test file). */
function assertUserFramesOnly(err: Error, message: string): void {
  const [first, ...frames] = err.stack!.split('\n');
  assert.equal(first, `DatabaseLockedError: ${message}`);
  const ours = frames.filter((f) => !f.includes('node:internal'));
  assert.ok(ours.length > 0 && ours.every((f) => f.includes(THIS_FILE)), `frames outside the caller:\n${err.stack}`);
}

describe('a database file held by an endure server', () => {
  const tmp = tempDir();
  let db: string;
  let server: DevServer;
  let message: string;
  before(async () => {
    db = join(realpathSync(tmp.dir), 'held.db');
    server = await startDevServer(['--db', db]);
    message =
      `database ${db} is in use by the Endure server at ${server.url} (process ${server.child.pid}): connect to that server instead ` +
      `(ENDURE_ADDRESS=${server.url}, or pass it as --address or Connection.connect({ address })), or use another database file`;
  });
  after(async () => {
    assert.equal(await server.stop(), 0, server.stderr());
    tmp.remove();
  });

  it('the CLI says it in one line on stderr and exits 1', async () => {
    const r = await endure(['--address', `sqlite:${db}`, 'workflow', 'list']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: ${message}\n`);
  });

  it('a second endure server start-dev on the file says it in one line and exits 1', async () => {
    const r = await endure(['server', 'start-dev', '--db', db, '--port', '0']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: ${message}\n`);
  });

  it('Connection.connect, NativeConnection.connect and Worker.create reject with it, the stack starting at the caller', async () => {
    for (const connect of [() => Connection.connect({ address: `sqlite:${db}` }), () => NativeConnection.connect({ address: `sqlite:${db}` })]) {
      const err = await connect().then(() => assert.fail('connected to a held file'), (e: unknown) => e as Error);
      assert.equal(err.name, 'DatabaseLockedError');
      assert.equal(err.message, message);
      assertUserFramesOnly(err, message);
    }
    const saved = process.env['ENDURE_ADDRESS'];
    process.env['ENDURE_ADDRESS'] = `sqlite:${db}`; // Worker.create without a connection opens the default address
    try {
      const err = await Worker.create({ taskQueue: 'q', activities: { noop: async () => undefined } }).then(() => assert.fail('created'), (e: unknown) => e as Error);
      assert.equal(err.message, message);
      assertUserFramesOnly(err, message);
    } finally {
      if (saved === undefined) delete process.env['ENDURE_ADDRESS'];
      else process.env['ENDURE_ADDRESS'] = saved;
    }
  });

  it('the hello example (npm start) dies with the message and its own line, no Endure internals', async () => {
    const r = await run(HELLO, { ENDURE_ADDRESS: `sqlite:${db}` });
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n');
    assert.ok(lines.includes(`DatabaseLockedError: ${message}`), r.stderr);
    const frames = lines.filter((l) => /^\s+at /.test(l));
    assert.deepEqual(frames.map((f) => f.replace(/:\d+:\d+$/, '')), [`    at async file://${HELLO}`]);
    assert.match(lines[0]!, new RegExp(`^file://${HELLO}:\\d+$`), 'node points at the line of main.js that connects');
  });
});

describe('a database file held by another embedded process', () => {
  const tmp = tempDir();
  let db: string;
  let holder: ChildProcess;
  before(async () => {
    db = join(realpathSync(tmp.dir), 'embedded.db');
    holder = await holdInChild(db);
  });
  after(() => {
    holder.kill('SIGKILL');
    tmp.remove();
  });

  it('names the process and its program, and says how to share the file', async () => {
    const message =
      `database ${db} is in use by process ${holder.pid} (${HOLDER}), and one process owns a database file: to share it, ` +
      `serve it with \`endure server start-dev --db ${db}\` and connect every process to the address it prints, or stop process ${holder.pid}, or use another database file`;
    const cli = await endure(['--address', `sqlite:${db}`, 'workflow', 'count']);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, `error: ${message}\n`);
    const dev = await endure(['server', 'start-dev', '--db', db, '--port', '0']);
    assert.equal(dev.stderr, `error: ${message}\n`);
    await assert.rejects(Connection.connect({ address: `sqlite:${db}` }), { name: 'DatabaseLockedError', message });
  });
});
