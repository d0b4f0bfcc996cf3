// How search attributes land in the file: no rows at all for runs without them, one index row
// per value (per distinct KeywordList element), bad values refused with the attribute's name.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { CreateWorkflow, WorkflowRecord } from '@endure/storage';
import { SqliteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

function run(workflowId: string, searchAttributes?: WorkflowRecord['searchAttributes']): CreateWorkflow {
  const record: WorkflowRecord = {
    namespace: 'default',
    workflowId,
    runId: 'r1',
    workflowType: 'w',
    taskQueue: 'q',
    status: 'RUNNING',
    startTime: 1000,
    closeTime: null,
    nextEventId: 2,
    state: '{}',
    ...(searchAttributes ? { searchAttributes } : {}),
  };
  return { record, events: [{ eventId: 1, eventTime: 1000, type: 'TimerFired', attributes: { seq: 1 } }], expectedCurrentRunId: null };
}

async function withFile(fn: (file: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await fn(join(dir, 'sa.db'));
  } finally {
    await cleanup();
  }
}

function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

void describe('search attribute rows', () => {
  void it('runs without search attributes write no index rows and no JSON', () =>
    withFile(async (file) => {
      const store = await SqliteStore.open(file);
      await store.createWorkflow(run('plain'));
      await store.createWorkflow(run('empty', {}));
      await store.updateWorkflow({ key: { namespace: 'default', workflowId: 'plain', runId: 'r1' }, expectedNextEventId: 2, record: { ...run('plain').record, state: 'x' }, events: [] });
      await store.close();
      inspect(file, (db) => {
        assert.equal(db.prepare('SELECT count(*) FROM search_attributes').pluck().get(), 0);
        assert.equal(db.prepare('SELECT count(*) FROM workflows WHERE search_attributes IS NOT NULL').pluck().get(), 0);
      });
    }));

  void it('one row per value and per distinct KeywordList element; booleans as 0/1; kept across reopen', () =>
    withFile(async (file) => {
      const attrs = { CustomKeywordField: 'k', CustomIntField: 3, CustomBoolField: true, Tags: ['a', 'b', 'a'] };
      let store = await SqliteStore.open(file);
      await store.createWorkflow(run('tagged', attrs));
      await store.close();
      const rows = inspect(file, (db) => db.prepare('SELECT name, value FROM search_attributes ORDER BY name, value').raw().all());
      assert.deepEqual(rows, [
        ['CustomBoolField', 1],
        ['CustomIntField', 3],
        ['CustomKeywordField', 'k'],
        ['Tags', 'a'],
        ['Tags', 'b'],
      ]);
      store = await SqliteStore.open(file);
      try {
        assert.deepEqual((await store.getWorkflow({ namespace: 'default', workflowId: 'tagged', runId: 'r1' }))?.searchAttributes, attrs);
      } finally {
        await store.close();
      }
    }));

  void it('a value no search-attribute type has is refused, naming the attribute, and nothing is written', () =>
    withFile(async (file) => {
      const store = await SqliteStore.open(file);
      try {
        const bad: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, { nested: 1 }, null, [1, 2]];
        for (const value of bad) {
          await assert.rejects(store.createWorkflow(run('bad', { Weird: value as string })), /search attribute Weird has value/);
        }
        assert.equal(await store.getWorkflow({ namespace: 'default', workflowId: 'bad', runId: 'r1' }), undefined);
      } finally {
        await store.close();
      }
    }));
});
