// One owner per schema: a second opener is refused with the holder named, and the schema is free
// again once the owner closes or its process dies (kill -9).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PostgresStore, SchemaLockedError } from '../src/index.js';
import { freshSchema } from './helpers.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-store.js', import.meta.url));

describe('the owner lock', () => {
  const s = freshSchema('lock');
  after(() => s.drop());

  it('refuses a second opener in this process, naming it, and lets it in once the first closes', async () => {
    const first = await PostgresStore.open(s.address);
    try {
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), (e: unknown) => {
        assert.ok(e instanceof SchemaLockedError);
        assert.match(e.message, new RegExp(`^PostgreSQL schema ${s.schema} at postgres://.* is in use by process ${process.pid} on ${hostname()} \\(${process.argv[1]}\\)`));
        assert.match(e.message, /endure server --db/);
        assert.equal(e.message.split('\n').length, 1);
        return true;
      });
    } finally {
      await first.close();
    }
    const second = await PostgresStore.open(s.address, { lockTimeoutMs: 0 });
    await second.close();
  });

  it('names an endure server as the holder with its URL', async () => {
    const first = await PostgresStore.open(s.address);
    try {
      await first.recordServerUrl('http://127.0.0.1:7999');
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), /in use by the Endure server at http:\/\/127\.0\.0\.1:7999 .*connect to that server instead/);
    } finally {
      await first.close();
    }
  });

  it('a holder killed with SIGKILL releases the schema', async () => {
    const child = spawn(process.execPath, [HOLDER, s.address], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      assert.equal(line.toString().trim(), 'open');
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), (e: unknown) => {
        assert.ok(e instanceof SchemaLockedError);
        assert.match(e.message, new RegExp(`in use by process ${child.pid} on ${hostname()} \\(${HOLDER}\\)`));
        return true;
      });
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    // The server drops the dead session's lock once it notices the socket closed: open waits for it.
    const store = await PostgresStore.open(s.address, { lockTimeoutMs: 30_000 });
    await store.close();
  });
});
