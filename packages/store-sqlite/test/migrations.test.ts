import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, SchemaVersionError, SqliteStore } from '../src/index.js';
import { MIGRATIONS, migrate, schemaVersion, type Migration } from '../src/migrations.js';
import { tempDir } from './helpers.js';

function tables(db: Database.Database): string[] {
  return db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
}

void describe('schema migrations', () => {
  void it('a fresh database is migrated to the latest version', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'fresh.db');
      await (await SqliteStore.open(file)).close();
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
        assert.deepEqual(tables(db), ['api_keys', 'cluster_nodes', 'current_runs', 'history', 'namespaces', 'run_properties', 'search_attributes', 'shard_leases', 'tasks', 'timers', 'token_keys', 'workflows']);
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });

  void it('a database from a newer version is refused, naming both versions, and left untouched', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'future.db');
      const future = LATEST_SCHEMA_VERSION + 5;
      const db = new Database(file);
      db.pragma(`user_version = ${future}`);
      db.close();
      for (let attempt = 0; attempt < 2; attempt++) {
        // Twice: a refused open must not leave the path claimed in this process.
        await assert.rejects(SqliteStore.open(file), (e: unknown) => {
          assert.ok(e instanceof SchemaVersionError);
          assert.equal(e.found, future);
          assert.equal(e.supported, LATEST_SCHEMA_VERSION);
          assert.match(e.message, new RegExp(`schema version ${future}\\b.*up to version ${LATEST_SCHEMA_VERSION}\\b`));
          assert.ok(e.message.includes(file));
          return true;
        });
      }
      const after = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(after), future);
        assert.deepEqual(tables(after), []);
        assert.equal(after.pragma('journal_mode', { simple: true }), 'delete');
      } finally {
        after.close();
      }
    } finally {
      await cleanup();
    }
  });

  void it('pending steps run in order, once, in one transaction', () => {
    const calls: number[] = [];
    const step = (version: number, sql: string): Migration => ({
      version,
      description: `step ${version}`,
      up: (db) => {
        calls.push(version);
        db.exec(sql);
      },
    });
    const m1 = step(1, 'CREATE TABLE a (x)');
    const m2 = step(2, 'CREATE TABLE b (y)');
    const broken = step(3, 'CREATE TABLE c (z); THIS IS NOT SQL');
    const db = new Database(':memory:');
    try {
      assert.equal(migrate(db, 'mem', [m1]), 1);
      assert.equal(migrate(db, 'mem', [m1, m2]), 2);
      assert.deepEqual(calls, [1, 2]);
      assert.throws(() => migrate(db, 'mem', [m1, m2, broken, step(4, 'CREATE TABLE d (w)')]));
      assert.equal(schemaVersion(db), 2, 'a failed step rolls back the whole run');
      assert.deepEqual(tables(db), ['a', 'b']);
      assert.throws(() => migrate(db, 'mem', [m2]), /version 2, expected 1/);
    } finally {
      db.close();
    }
  });
});

void describe('upgrading a version 1 database', () => {
  void it('opens a v1 file with runs in it, upgrades it to the latest version, and lists and indexes its runs', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'v1.db');
      const v1 = new Database(file);
      migrate(v1, file, MIGRATIONS.slice(0, 1));
      const insert = v1.prepare(
        `INSERT INTO workflows (namespace, workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, state)
         VALUES (?, ?, ?, 'order', 'q', ?, ?, ?, 2, '{}')`,
      );
      insert.run('default', 'old-open', 'r1', 'RUNNING', 1000, null);
      insert.run('default', 'old-closed', 'r1', 'COMPLETED', 2000, 2500);
      v1.prepare(`INSERT INTO current_runs VALUES ('default', 'old-open', 'r1'), ('default', 'old-closed', 'r1')`).run();
      v1.prepare(`INSERT INTO history VALUES ('default', 'old-closed', 'r1', 1, '{"eventId":1}')`).run();
      v1.close();

      const store = await SqliteStore.open(file);
      try {
        const key = { namespace: 'default', workflowId: 'old-open', runId: 'r1' };
        const before = await store.getWorkflow(key);
        assert.ok(before && !('searchAttributes' in before), 'a v1 run has no search attributes');
        const page = await store.listWorkflows({ namespace: 'default', pageSize: 10 });
        assert.deepEqual(page.records.map((r) => r.workflowId), ['old-closed', 'old-open']);
        assert.equal(await store.countWorkflows('default', { op: 'compare', field: { kind: 'system', name: 'ExecutionStatus', type: 'Keyword' }, cmp: '=', value: 'RUNNING' }), 1);
        await store.updateWorkflow({ key, expectedNextEventId: 2, record: { ...before, searchAttributes: { CustomKeywordField: 'upgraded' } }, events: [] });
        const kw = { kind: 'custom', name: 'CustomKeywordField', type: 'Keyword' } as const;
        assert.deepEqual((await store.listWorkflows({ namespace: 'default', pageSize: 10, filter: { op: 'compare', field: kw, cmp: '=', value: 'upgraded' } })).records.map((r) => r.workflowId), ['old-open']);
        assert.equal(await store.deleteClosedRuns('default', 3000, 10), 1);
        assert.deepEqual(await store.readHistory({ namespace: 'default', workflowId: 'old-closed', runId: 'r1' }), []);
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
        const indexes = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'workflows' AND sql IS NOT NULL ORDER BY name").pluck().all();
        assert.deepEqual(indexes, ['workflows_by_close', 'workflows_by_start', 'workflows_by_status', 'workflows_by_type', 'workflows_by_type_status']);
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });
});

void describe('upgrading a version 2 database', () => {
  void it('opens a v2 file with a run and a namespace in it, upgrades it, keeps both, and starts with no task-token keys', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'v2.db');
      const v2 = new Database(file);
      migrate(v2, file, MIGRATIONS.slice(0, 2));
      v2.prepare(
        `INSERT INTO workflows (namespace, workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, state)
         VALUES ('default', 'kept', 'r1', 'order', 'q', 'RUNNING', 1000, NULL, 2, '{}')`,
      ).run();
      v2.prepare(`INSERT INTO current_runs VALUES ('default', 'kept', 'r1')`).run();
      v2.prepare(`INSERT INTO namespaces VALUES ('billing', 'd', 60000, 5, '{}')`).run();
      v2.close();

      const store = await SqliteStore.open(file);
      try {
        assert.equal((await store.getWorkflow({ namespace: 'default', workflowId: 'kept', runId: 'r1' }))?.status, 'RUNNING');
        assert.equal((await store.getNamespace('billing'))?.retentionMs, 60000);
        assert.deepEqual(await store.getTokenKeys(), [], 'the engine generates its first key at open');
        await store.putTokenKeys([{ keyId: 'k1', secret: 's', createdTime: 7 }]);
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
        assert.ok(LATEST_SCHEMA_VERSION >= 3);
        assert.deepEqual(db.prepare('SELECT key_id, secret, created_time FROM token_keys').all(), [{ key_id: 'k1', secret: 's', created_time: 7 }]);
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });
});

void describe('upgrading a version 3 database', () => {
  void it('opens a v3 file, keeps its task-token keys, and starts with no API keys', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'v3.db');
      const v3 = new Database(file);
      migrate(v3, file, MIGRATIONS.slice(0, 3));
      v3.prepare(`INSERT INTO token_keys VALUES (0, 'k1', 'secret', 7)`).run();
      v3.close();

      const store = await SqliteStore.open(file);
      try {
        assert.deepEqual(await store.getTokenKeys(), [{ keyId: 'k1', secret: 'secret', createdTime: 7 }]);
        assert.deepEqual(await store.listApiKeys(), []);
        await store.putApiKey({ keyId: 'a1', secretHash: 'h', role: 'reader', namespaces: ['default'], description: '', createdTime: 8 });
        assert.equal(await store.deleteApiKey('a1'), true);
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
        assert.ok(LATEST_SCHEMA_VERSION >= 4);
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });
});

void describe('upgrading a version 4 database', () => {
  const json = (v: unknown) => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });
  const memo = { owner: json('ops'), note: json('reviewed – 日本語') };
  const payloadAttrs = { CustomerTier: json('gold') };
  /** A run state as the engine wrote it before properties were stored apart. */
  const oldState = (extra: Record<string, unknown>) => JSON.stringify({ workflowTaskTimeoutMs: 10000, lastSawUpTo: 1, wft: { status: 'none', attempt: 1 }, activities: {}, timers: {}, cancelRequested: false, ...extra });

  void it("moves each run's memo and search-attribute payloads out of its state, and keeps them through later updates", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'v4.db');
      const v4 = new Database(file);
      migrate(v4, file, MIGRATIONS.slice(0, 4));
      const insert = v4.prepare(
        `INSERT INTO workflows (namespace, workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, state, search_attributes)
         VALUES ('default', ?, 'r1', 'tagged', 'q', ?, ?, ?, 3, ?, ?)`,
      );
      insert.run('running', 'RUNNING', 1000, null, oldState({ memo, searchAttributes: payloadAttrs }), '{"CustomerTier":"gold"}');
      insert.run('memo-only', 'COMPLETED', 2000, 2500, oldState({ memo }), null);
      insert.run('plain', 'RUNNING', 3000, null, oldState({}), null);
      v4.prepare(`INSERT INTO current_runs VALUES ('default', 'running', 'r1'), ('default', 'memo-only', 'r1'), ('default', 'plain', 'r1')`).run();
      v4.close();

      const store = await SqliteStore.open(file);
      try {
        const key = (workflowId: string) => ({ namespace: 'default', workflowId, runId: 'r1' });
        const running = await store.getWorkflow(key('running'));
        assert.deepEqual(running?.properties, { memo, searchAttributes: payloadAttrs });
        assert.deepEqual(JSON.parse(running.state), JSON.parse(oldState({})), 'the state keeps everything else, and no longer the properties');
        assert.deepEqual(running.searchAttributes, { CustomerTier: 'gold' });
        assert.deepEqual((await store.getWorkflow(key('memo-only')))?.properties, { memo });
        const plain = await store.getWorkflow(key('plain'));
        assert.ok(plain && !('properties' in plain), 'a run that had none has none');
        assert.equal(plain.state, oldState({}), 'a run with nothing to move is left as it was');
        const listed = (await store.listWorkflows({ namespace: 'default', pageSize: 10 })).records;
        assert.deepEqual(listed.map((r) => [r.workflowId, r.properties]), [['plain', undefined], ['memo-only', { memo }], ['running', { memo, searchAttributes: payloadAttrs }]]);
        // The running run takes a step, as the upgraded engine writes it: properties are kept.
        const { properties: _, ...record } = running;
        await store.updateWorkflow({ key: key('running'), expectedNextEventId: 3, record: { ...record, state: '{"step":2}' }, events: [] });
        assert.deepEqual((await store.getWorkflow(key('running')))?.properties, { memo, searchAttributes: payloadAttrs });
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
        assert.equal(db.prepare("SELECT count(*) FROM workflows WHERE state LIKE '%memo%'").pluck().get(), 0);
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });
});
