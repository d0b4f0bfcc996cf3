// openStore's shared mode: a PostgreSQL schema opens shared (several nodes at once); a SQLite
// file refuses it, saying why and what to use instead.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import postgres from 'postgres';
import { databaseKey, openStore } from '../src/open-store.js';

const TEST_DATABASE = process.env['ENDURE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('openStore shared', () => {
  const dir = mkdtempSync(join(tmpdir(), 'endure-open-store-'));
  const schema = `os_${process.pid}_${randomBytes(5).toString('hex')}`;
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    const sql = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('opens a PostgreSQL schema shared, twice at once', async () => {
    const target = `${TEST_DATABASE}?schema=${schema}`;
    const key = await databaseKey(target);
    const a = await openStore(target, key, { shared: true });
    const b = await openStore(target, key, { shared: true });
    try {
      assert.equal((a.store as { exclusive?: boolean }).exclusive, false);
      await a.recordServerUrl('http://127.0.0.1:7233'); // a node names itself with heartbeatNode instead
      await a.store.heartbeatNode({ nodeId: 'a', address: 'http://127.0.0.1:7233', startedAt: 1 }, 60_000);
      assert.deepEqual((await b.store.listNodes()).map((n) => n.nodeId), ['a']);
    } finally {
      await Promise.all([a.store.close(), b.store.close()]);
    }
  });

  it('refuses to open a SQLite file shared, and names the fix', async () => {
    const file = join(dir, 'node.db');
    await assert.rejects(
      openStore(file, await databaseKey(file), { shared: true }),
      new RegExp(`database ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a SQLite file, which cannot be shared by several nodes \\(shared: true\\): use a PostgreSQL address`),
    );
    assert.equal(existsSync(file), false, 'refused before anything was created');
  });
});
