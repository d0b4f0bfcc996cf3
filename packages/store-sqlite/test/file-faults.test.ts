// Faults of the database file itself, produced for real: a file or directory that cannot be
// written, a full file system, a read-only mount. Each must fail with one message naming the
// file, the cause and the fix (SQLite alone says "disk I/O error"). And the files the store
// creates are its owner's alone.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NamespaceRecord } from '@endure/storage';
import { SqliteStore } from '../src/index.js';
import { makeUnwritable, smallFileSystem, tempDir } from './helpers.js';

const namespace = (name: string, description = ''): NamespaceRecord => ({ name, description, retentionMs: 86_400_000, createdTime: 1, searchAttributes: {} });

const modeOf = (path: string) => statSync(path).mode & 0o777;

const NO_MOUNT = 'needs permission to mount a tmpfs (root with CAP_SYS_ADMIN)';

void describe('database file permissions', () => {
  void it('the database, its WAL and its lock file are created 0600, and stay so after writes', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'private.db');
      const store = await SqliteStore.open(file);
      try {
        await store.putNamespace(namespace('first'));
        for (const f of [file, `${file}-wal`, `${file}.lock`]) assert.equal(modeOf(f).toString(8), '600', f);
        // Exclusive locking mode keeps WAL's index in memory: no -shm file to leak through.
        assert.equal(existsSync(`${file}-shm`), false);
        for (let i = 0; i < 10; i++) await store.putNamespace(namespace(`n${i}`, 'x'.repeat(10_000)));
        for (const f of [file, `${file}-wal`, `${file}.lock`]) assert.equal(modeOf(f).toString(8), '600', f);
      } finally {
        await store.close();
      }
      assert.equal(modeOf(file).toString(8), '600');
    } finally {
      await cleanup();
    }
  });

  void it("an existing world-readable database (and its lock file) loses others' access at open; the group's stays", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'old.db');
      await (await SqliteStore.open(file)).close();
      chmodSync(file, 0o644);
      writeFileSync(`${file}.lock`, '1\n', { mode: 0o644 });
      const store = await SqliteStore.open(file);
      try {
        await store.putNamespace(namespace('again'));
        assert.equal(modeOf(file).toString(8), '640');
        assert.equal(modeOf(`${file}-wal`).toString(8), '640', 'SQLite gives the WAL the database file mode');
        assert.equal(modeOf(`${file}.lock`).toString(8), '600');
      } finally {
        await store.close();
      }
    } finally {
      await cleanup();
    }
  });
});

void describe('faults of the database file, named with their cause and fix', () => {
  void it('a database file that cannot be written: names the file, why, and what to do', async (t) => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'locked-down.db');
      await (await SqliteStore.open(file)).close();
      const undo = makeUnwritable(file, false);
      if (!undo) return t.skip('this file system has no immutable attribute (chattr) and we are root');
      try {
        await assert.rejects(SqliteStore.open(file), (e: Error) => {
          assert.match(e.message, new RegExp(`^database ${file} cannot be written: the file (may not be written|is not writable by this user)`));
          assert.match(e.message, /make the file and its directory writable, or use a database file in a writable location$/);
          assert.doesNotMatch(e.message, /^disk I\/O error/);
          return true;
        });
      } finally {
        undo();
      }
      await (await SqliteStore.open(file)).close(); // the cause removed, it opens again
    } finally {
      await cleanup();
    }
  });

  void it('a directory where the WAL cannot be created: names the directory and the WAL file', async (t) => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'in-locked-dir.db');
      await (await SqliteStore.open(file)).close();
      const undo = makeUnwritable(dir, true);
      if (!undo) return t.skip('this file system has no immutable attribute (chattr) and we are root');
      try {
        await assert.rejects(SqliteStore.open(file), (e: Error) => {
          assert.match(e.message, new RegExp(`^database ${file} cannot be written: its directory ${dir} (may not be written|is not writable by this user)`));
          assert.ok(e.message.includes(`SQLite must create ${file}-wal there`), e.message);
          return true;
        });
      } finally {
        undo();
      }
    } finally {
      await cleanup();
    }
  });

  void it('a database on a file system mounted read-only', async (t) => {
    const fs = await smallFileSystem(1024);
    if (!fs) return t.skip(NO_MOUNT);
    try {
      const file = join(fs.dir, 'on-ro-mount.db');
      await (await SqliteStore.open(file)).close();
      fs.remount('ro');
      await assert.rejects(SqliteStore.open(file), (e: Error) => {
        assert.equal((e as { code?: string }).code?.startsWith('SQLITE_'), true);
        assert.match(e.message, new RegExp(`^database ${file} cannot be written: the file is on a file system mounted read-only \\(SQLite reported SQLITE_\\w+\\)`));
        return true;
      });
    } finally {
      await fs.cleanup();
    }
  });

  void it('a full disk: the failed write names the file, SQLITE_FULL and how to make room; earlier writes are intact', async (t) => {
    const fs = await smallFileSystem(512);
    if (!fs) return t.skip(NO_MOUNT);
    try {
      const file = join(fs.dir, 'full.db');
      const store = await SqliteStore.open(file);
      let written = 0;
      try {
        const failure = await (async () => {
          for (;;) {
            try {
              await store.putNamespace(namespace(`big${written}`, 'x'.repeat(50_000)));
              written++;
            } catch (e) {
              return e as Error & { code?: string };
            }
            if (written > 100) assert.fail('512 KB should not hold 5 MB');
          }
        })();
        assert.equal(failure.code, 'SQLITE_FULL');
        assert.equal(
          failure.message,
          `database ${file}: the disk is full (SQLITE_FULL); free space on the file system that holds ${fs.dir} (see \`df ${fs.dir}\`) or move the database to a larger one`,
        );
        assert.ok(written > 0);
      } finally {
        await store.close();
      }
      fs.remount('size=4m'); // room again: what was acknowledged is there
      const reopened = await SqliteStore.open(file);
      try {
        assert.equal((await reopened.listNamespaces()).filter((n) => n.name.startsWith('big')).length, written);
      } finally {
        await reopened.close();
      }
    } finally {
      await fs.cleanup();
    }
  });

  void it("a database file whose directory does not exist says so", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'no', 'such', 'dir', 'x.db');
      await assert.rejects(SqliteStore.open(file), { message: `cannot create database ${file}: its directory ${join(dir, 'no', 'such', 'dir')} does not exist; create it first` });
    } finally {
      await cleanup();
    }
  });
});
