// Several processes starting at once: the migration runs once, under its lock, and the owner
// lock lets exactly one of them in.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import postgres from 'postgres';
import { LATEST_SCHEMA_VERSION, PostgresStore, SchemaLockedError, SchemaVersionError, migrate } from '../src/index.js';
import { TEST_DATABASE, freshSchema } from './helpers.js';

describe('schema migrations', () => {
  const dropped: (() => Promise<void>)[] = [];
  after(() => Promise.all(dropped.map((d) => d())));

  it('4 connections migrating one new schema at once: one creates it, the others find it current', async () => {
    const s = freshSchema('mig');
    dropped.push(() => s.drop());
    const conns = Array.from({ length: 4 }, () => postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined }));
    try {
      const found = await Promise.all(conns.map((sql) => migrate(sql, s.schema, s.schema)));
      assert.deepEqual([...found].sort(), [0, LATEST_SCHEMA_VERSION, LATEST_SCHEMA_VERSION, LATEST_SCHEMA_VERSION]);
      const [row] = await conns[0]!.unsafe(`SELECT count(*)::int AS n, max(version) AS v FROM "${s.schema}".schema_version`);
      assert.deepEqual({ ...row }, { n: 1, v: LATEST_SCHEMA_VERSION });
    } finally {
      await Promise.all(conns.map((c) => c.end({ timeout: 5 })));
    }
  });

  it('4 stores opened at once: one opens (the schema migrated once), three are refused by the owner lock', async () => {
    const s = freshSchema('open4');
    dropped.push(() => s.drop());
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => PostgresStore.open(s.address, { lockTimeoutMs: 0 })));
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    try {
      assert.equal(opened.length, 1);
      assert.equal(refused.length, 3);
      for (const e of refused) assert.ok(e instanceof SchemaLockedError, String(e));
      await opened[0]!.putNamespace({ name: 'n', description: '', retentionMs: 1, createdTime: 1, searchAttributes: {} });
      assert.equal((await opened[0]!.listNamespaces()).length, 1);
    } finally {
      await Promise.all(opened.map((o) => o.close()));
    }
  });

  it('a schema written by a newer version is refused, naming both versions', async () => {
    const s = freshSchema('newer');
    dropped.push(() => s.drop());
    await (await PostgresStore.open(s.address)).close();
    const sql = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await sql.unsafe(`UPDATE "${s.schema}".schema_version SET version = ${LATEST_SCHEMA_VERSION + 1}`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    await assert.rejects(PostgresStore.open(s.address), (e: unknown) => {
      assert.ok(e instanceof SchemaVersionError);
      assert.match(e.message, new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 1}, but this version of @endure/store-postgres supports up to version ${LATEST_SCHEMA_VERSION}; upgrade Endure`));
      return true;
    });
  });

  it('a bad schema name is refused before connecting, naming the fix', async () => {
    await assert.rejects(PostgresStore.open(`${TEST_DATABASE}?schema=Bad-Name`), /schema 'Bad-Name' is not a valid schema name for Endure: use 1 to 63 lower-case letters/);
  });
});
