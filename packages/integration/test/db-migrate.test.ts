// `endure db migrate` with workflows mid-flight, in real processes: an app on one SQLite file
// leaves runs sleeping on a timer, waiting for signals, with an activity running, one retrying
// after a back-off, a child running, an activity to be completed by a token it handed out, and a
// completed run; it stops (gracefully, or SIGKILLed); the CLI copies the file to another; an app
// on the copy finishes every run with the right result. The copy is another SQLite file, or a
// fresh PostgreSQL schema (the move up from embedded).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

const APP = fileURLToPath(new URL('../src/migration-app.js', import.meta.url));
const ENDURE = fileURLToPath(new URL('../../../server/bin/endure.js', import.meta.url));

interface Ready {
  completed: number;
  history: number;
  token: string;
}
interface Done {
  results: Record<string, unknown>;
  completedHistory: string[];
  sleeperFiredAt: number;
}

/** Spawns the app and resolves with the JSON of its first line starting with `tag`. */
function app(args: string[]): { child: ChildProcess; line: (tag: string) => Promise<unknown>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [APP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = createInterface({ input: child.stdout! });
  const line = (tag: string) =>
    new Promise<unknown>((resolve, reject) => {
      lines.on('line', (l) => l.startsWith(`${tag} `) && resolve(JSON.parse(l.slice(tag.length + 1))));
      void exited.then((code) => reject(new Error(`app ${args[0]} exited (${code}) before '${tag}':\n${stderr}`)));
    });
  return { child, line, exited };
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function endure(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENDURE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'endure-migrate-')));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The test database (trust auth); ENDURE_TEST_POSTGRES overrides it. */
const PG = process.env['ENDURE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgSchema = `migrate_${process.pid}_${randomBytes(4).toString('hex')}`;
after(async () => {
  const sql = postgres(PG, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

const VARIANTS = [
  { stop: 'SIGTERM', to: 'sqlite' },
  { stop: 'SIGKILL', to: 'sqlite' },
  { stop: 'SIGKILL', to: 'postgres' },
] as const;

// The two variants at once: most of each is waiting for the sleeper's timer.
void describe('endure db migrate', { concurrency: true }, () => {
  for (const { stop, to } of VARIANTS) {
    void it(`after the app ${stop === 'SIGTERM' ? 'stopped gracefully' : 'was SIGKILLed'}, to ${to === 'sqlite' ? 'another SQLite file' : 'PostgreSQL'}: every run finishes on the copy with its result; the completed run keeps its history`, async () => {
      const source = join(dir, `${stop}-${to}-source.db`);
      const targetFile = join(dir, `${stop}-${to}-target.db`);
      const target = to === 'sqlite' ? targetFile : `${PG}?schema=${pgSchema}`;
      const targetAddress = to === 'sqlite' ? `sqlite:${targetFile}` : target;
      const first = app(['before', source]);
      const ready = (await first.line('ready')) as Ready;
      assert.equal(ready.completed, 42);

      if (stop === 'SIGTERM') {
        // While the app's engine holds the file, the CLI refuses it with the locked-database message and creates no target.
        const refused = await endure(['db', 'migrate', '--from', `sqlite:${source}`, '--to', targetAddress]);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, new RegExp(`^error: database ${source} is in use by process ${first.child.pid}\\b.*, or use another database file\\n$`));
        assert.ok(!existsSync(targetFile), 'no target was created');
      }
      first.child.kill(stop);
      assert.equal(await first.exited, stop === 'SIGTERM' ? 0 : null);

      const movedAt = Date.now();
      const moved = await endure(['db', 'migrate', '--from', `sqlite:${source}`, '--to', targetAddress, '-o', 'json']);
      assert.equal(moved.code, 0, moved.stderr);
      const summary = JSON.parse(moved.stdout) as { verified: boolean; runs: number; tokenKeys: number; namespaces: { name: string; runs: number; open: number; closed: number }[] };
      assert.equal(summary.verified, true);
      // completed, waiter, parent, its child, running, retrying, approved, sleeper.
      assert.deepEqual(summary.namespaces.map((n) => [n.name, n.runs, n.open, n.closed]), [['default', 8, 7, 1]]);
      assert.equal(summary.tokenKeys, 1);
      assert.match(moved.stderr, new RegExp(`^copying sqlite:.* to ${to === 'sqlite' ? 'sqlite:' : 'postgres://'}.*\\ncopied 8 run\\(s\\) of namespace default\\nverified 8 run\\(s\\) of namespace default\\n$`));

      const second = app(['after', target, ready.token]);
      const done = (await second.line('done')) as Done;
      assert.equal(await second.exited, 0);
      assert.deepEqual(done.results, {
        completed: 42,
        waiter: 'got hello',
        parent: 'child got hi',
        running: 'ran after the move',
        retrying: 'succeeded after the move',
        approved: 'approved by token from before the move',
        sleeper: 'slept',
      });
      assert.equal(done.completedHistory.length, ready.history);
      assert.equal(done.completedHistory.at(-1), 'WorkflowExecutionCompleted');
      assert.ok(done.sleeperFiredAt >= movedAt, 'the timer fired on the copy, after the move');
    });
  }
});
