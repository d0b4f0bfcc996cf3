import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { HistoryEvent } from '@endure/protocol';
import type { RunKey, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { SqliteStore, type SqliteStoreOptions } from '../src/index.js';
import { WriteBatcher } from '../src/write-batcher.js';
import { tempDir } from './helpers.js';

function record(k: RunKey, nextEventId: number): WorkflowRecord {
  return { ...k, workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: 1, closeTime: null, nextEventId, state: '{}' };
}

function fired(eventId: number): HistoryEvent {
  return { eventId, eventTime: eventId, type: 'TimerFired', attributes: { seq: eventId } };
}

function update(k: RunKey, expected: number): UpdateWorkflow {
  return { key: k, expectedNextEventId: expected, record: record(k, expected + 1), events: [fired(expected)] };
}

async function withRuns(n: number, opts: SqliteStoreOptions, fn: (store: SqliteStore, keys: RunKey[]) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  const store = await SqliteStore.open(join(dir, 'gc.db'), opts);
  try {
    const keys = Array.from({ length: n }, (_, i) => ({ namespace: 'ns', workflowId: `wf${i}`, runId: 'r1' }));
    await Promise.all(keys.map((k) => store.createWorkflow({ record: record(k, 1), events: [], expectedCurrentRunId: null })));
    await fn(store, keys);
  } finally {
    await store.close();
    await cleanup();
  }
}

void describe('group commit', () => {
  void it('200 concurrent updates on 200 runs share a handful of commits', () =>
    withRuns(200, {}, async (store, keys) => {
      const before = store.stats().commits;
      await Promise.all(keys.map((k) => store.updateWorkflow(update(k, 1))));
      const commits = store.stats().commits - before;
      assert.ok(commits < 20, `${commits} commits for 200 updates`);
      for (const k of keys) assert.equal((await store.getWorkflow(k))?.nextEventId, 2);
    }));

  void it('a conflicting mutation is rolled back alone inside the shared commit', () =>
    withRuns(10, {}, async (store, keys) => {
      const before = store.stats();
      const results = await Promise.allSettled([...keys.map((k) => store.updateWorkflow(update(k, 1))), store.updateWorkflow(update(keys[3], 1))]);
      assert.deepEqual(results.map((r) => r.status), [...keys.map(() => 'fulfilled'), 'rejected']);
      const after = store.stats();
      assert.equal(after.commits - before.commits, 1);
      assert.equal(after.rejected - before.rejected, 1);
      assert.deepEqual(await store.readHistory(keys[3]), [fired(1)]);
    }));

  void it('maxBatch caps the mutations per transaction', () =>
    withRuns(200, { maxBatch: 50 }, async (store, keys) => {
      const before = store.stats().commits;
      await Promise.all(keys.map((k) => store.updateWorkflow(update(k, 1))));
      // At least ceil(200/50) commits; one more when the messages reach the store thread in two
      // deliveries. What must hold is that no transaction exceeds the cap.
      const commits = store.stats().commits - before;
      assert.ok(commits >= 4 && commits <= 6, `commits ${commits}`);
      assert.equal(store.stats().largestBatch, 50);
    }));

  void it('when COMMIT fails every mutation of the batch rejects and none is applied', async () => {
    const db = new Database(':memory:');
    try {
      // A deferred foreign key is only checked at COMMIT, which makes COMMIT fail on demand.
      db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE child (p INTEGER REFERENCES parent DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE log (x)`);
      db.pragma('foreign_keys = ON');
      const batcher = new WriteBatcher(db);
      const insert = (x: number) => () => void db.prepare('INSERT INTO log VALUES (?)').run(x);
      const results = await Promise.allSettled([
        batcher.submit(insert(1)),
        batcher.submit(() => void db.prepare('INSERT INTO child VALUES (42)').run()),
        batcher.submit(() => {
          throw new Error('own failure');
        }),
        batcher.submit(insert(2)),
      ]);
      const reasons = results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'fulfilled'));
      assert.match(reasons[0], /FOREIGN KEY/);
      assert.match(reasons[1], /FOREIGN KEY/);
      assert.match(reasons[2], /own failure/);
      assert.match(reasons[3], /FOREIGN KEY/);
      assert.equal(db.prepare('SELECT count(*) FROM log').pluck().get(), 0);
      assert.equal(db.inTransaction, false);
      assert.equal(batcher.stats().failedBatches, 1);
      // The batcher keeps working after a failed batch.
      await batcher.submit(insert(3));
      assert.deepEqual(db.prepare('SELECT x FROM log').pluck().all(), [3]);
      batcher.close();
    } finally {
      db.close();
    }
  });

  void it('a mutation that fails after writing is undone back to its savepoint', async () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE log (x)');
      const batcher = new WriteBatcher(db);
      const insert = db.prepare('INSERT INTO log VALUES (?)');
      const results = await Promise.allSettled([
        batcher.submit(() => void insert.run(1)),
        batcher.submit(() => {
          insert.run(2);
          insert.run(3);
          throw new Error('half done');
        }),
        batcher.submit(() => void insert.run(4)),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual(db.prepare('SELECT x FROM log ORDER BY x').pluck().all(), [1, 4]);
      assert.deepEqual(batcher.stats(), { commits: 1, mutations: 2, rejected: 1, failedBatches: 0, largestBatch: 3 });
      batcher.close();
    } finally {
      db.close();
    }
  });

  void it('close commits what is queued and then refuses new mutations', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'close.db');
      const store = await SqliteStore.open(file);
      const k = { namespace: 'ns', workflowId: 'wf', runId: 'r1' };
      const created = store.createWorkflow({ record: record(k, 1), events: [], expectedCurrentRunId: null });
      await store.close();
      await created;
      await assert.rejects(store.updateWorkflow(update(k, 1)), /closed/);
      await assert.rejects(store.getWorkflow(k), /closed/);
      const again = await SqliteStore.open(file);
      assert.equal((await again.getWorkflow(k))?.nextEventId, 1);
      await again.close();
    } finally {
      await cleanup();
    }
  });
});
