import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DatabaseLockedError, SqliteStore } from '../src/index.js';
import { exited, startFixture, tempDir } from './helpers.js';

const KEY = { namespace: 'lock', workflowId: 'wf', runId: 'r1' };

void describe('single-process ownership', () => {
  void it('a second process gets a clear error; once the owner is SIGKILLed its stale lock does not block', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'owned.db');
      let ready: (pid: number) => void = () => undefined;
      const opened = new Promise<number>((done) => (ready = done));
      const child = startFixture('hold-open', [file], (line) => {
        const [word, pid] = line.split(' ');
        if (word === 'open') ready(Number(pid));
      });
      try {
        const pid = await opened;
        assert.equal(pid, child.pid);
        await assert.rejects(SqliteStore.open(file), (e: unknown) => {
          assert.ok(e instanceof DatabaseLockedError);
          const program = fileURLToPath(new URL('./fixtures/hold-open.js', import.meta.url));
          assert.equal(
            e.message,
            `database ${file} is in use by process ${pid} (${program}), and one process owns a database file: to share it, serve it with \`endure server start-dev --db ${file}\` and connect every process to the address it prints, or stop process ${pid}, or use another database file`,
          );
          assert.equal(e.pid, pid);
          return true;
        });
      } finally {
        child.kill('SIGKILL');
      }
      assert.equal(await exited(child), 'SIGKILL');
      assert.equal(readFileSync(`${file}.lock`, 'utf8').split('\n')[0], String(child.pid), 'the dead owner left its lock file');
      const store = await SqliteStore.open(file);
      try {
        assert.equal((await store.getWorkflow(KEY))?.runId, 'r1');
        assert.equal(readFileSync(`${file}.lock`, 'utf8').split('\n')[0], String(process.pid));
      } finally {
        await store.close();
      }
    } finally {
      await cleanup();
    }
  });

  void it('opening the same file twice in one process fails until the first is closed', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'twice.db');
      const first = await SqliteStore.open(file);
      await assert.rejects(SqliteStore.open(join(dir, '.', 'twice.db')), (e: unknown) => {
        assert.ok(e instanceof DatabaseLockedError);
        assert.equal(e.pid, process.pid);
        assert.equal(e.message, `database ${file} is already open by process ${process.pid} (this process); close it before opening it again, or share the open one`);
        return true;
      });
      await first.close();
      await (await SqliteStore.open(file)).close();
    } finally {
      await cleanup();
    }
  });

  void it('a lock file naming a live process that does not hold the database is ignored', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'reused-pid.db');
      // pid reuse: the file names a live process (our parent) that has nothing to do with the db.
      writeFileSync(`${file}.lock`, `${process.ppid}\n`);
      const store = await SqliteStore.open(file);
      assert.ok(store.exclusive);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
