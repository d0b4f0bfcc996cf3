// How run properties land in the file: a row of run_properties written by a create or update that
// carries them, and by nothing else, so a run's steps never rewrite its memo (issue 10).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { WorkflowRecord } from '@endure/storage';
import { SqliteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

const memo = { blob: { metadata: { encoding: 'json/plain' }, data: JSON.stringify('x'.repeat(200_000)) } };

function record(nextEventId: number, patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return { namespace: 'default', workflowId: 'wf', runId: 'r1', workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: 1000, closeTime: null, nextEventId, state: `{"at":${nextEventId}}`, ...patch };
}

void describe('run properties in SQLite', () => {
  void it('only a mutation that carries properties writes their row', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'props.db');
      await (await SqliteStore.open(file)).close();
      // Triggers count every write to the table; they live in the file, so the store runs them.
      const setup = new Database(file);
      setup.exec(`
        CREATE TABLE property_writes (n INTEGER NOT NULL);
        INSERT INTO property_writes VALUES (0);
        CREATE TRIGGER count_inserts AFTER INSERT ON run_properties BEGIN UPDATE property_writes SET n = n + 1; END;
        CREATE TRIGGER count_updates AFTER UPDATE ON run_properties BEGIN UPDATE property_writes SET n = n + 1; END;`);
      setup.close();

      const store = await SqliteStore.open(file);
      const key = { namespace: 'default', workflowId: 'wf', runId: 'r1' };
      try {
        await store.createWorkflow({ record: record(2, { properties: { memo } }), events: [{ eventId: 1, eventTime: 1000, type: 'TimerFired', attributes: { seq: 1 } }], expectedCurrentRunId: null });
        for (let next = 3; next <= 6; next++) {
          await store.updateWorkflow({ key, expectedNextEventId: next - 1, record: record(next), events: [{ eventId: next - 1, eventTime: 1000, type: 'TimerFired', attributes: { seq: next } }] });
        }
        await store.updateWorkflow({ key, expectedNextEventId: 6, record: record(6, { properties: { memo, searchAttributes: {} } }), events: [] });
        await store.updateWorkflow({ key, expectedNextEventId: 6, record: record(6, { status: 'COMPLETED', closeTime: 2000 }), events: [] });
        assert.deepEqual((await store.getWorkflow(key))?.properties, { memo, searchAttributes: {} });
      } finally {
        await store.close();
      }
      const db = new Database(file, { readonly: true });
      try {
        assert.equal(db.prepare('SELECT n FROM property_writes').pluck().get(), 2, 'written by the create and the one update that carried them');
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });
});
