// Damage made behind the store's back (a hand-made UPDATE or DELETE, a bad restore) is refused
// on read with StoredDataCorruptError, never served.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { StoredDataCorruptError } from '@endure/storage';
import { PostgresStore } from '../src/index.js';
import { TEST_DATABASE, freshSchema } from './helpers.js';

const T0 = 1_700_000_000_000;
const k = { namespace: 'default', workflowId: 'wf', runId: 'r1' };

describe('PostgresStore integrity checks', () => {
  const s = freshSchema('integ');
  let store: PostgresStore;
  let admin: postgres.Sql;

  before(async () => {
    store = await PostgresStore.open(s.address);
    admin = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined, connection: { search_path: s.schema } });
  });
  after(async () => {
    await store.close();
    await admin.end({ timeout: 5 });
    await s.drop();
  });

  const seed = async (workflowId: string) => {
    const key = { ...k, workflowId };
    await store.createWorkflow({
      record: { ...key, workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: T0, closeTime: null, nextEventId: 4, state: '{"a":1}' },
      events: [1, 2, 3].map((eventId) => ({ eventId, eventTime: T0, type: 'TimerFired' as const, attributes: { seq: eventId } })),
      expectedCurrentRunId: null,
    });
    return key;
  };

  it('an altered event fails its checksum', async () => {
    const key = await seed('altered');
    await admin.unsafe(`UPDATE history SET event = replace(event, '"seq":2', '"seq":9') WHERE workflow_id = 'altered' AND event_id = 2`);
    await assert.rejects(store.readHistory(key), (e: unknown) => e instanceof StoredDataCorruptError && /event 2 of workflow altered .* fails its checksum/.test(e.message));
  });

  it('a lost event (a gap, or a history cut short) is refused', async () => {
    const gap = await seed('gap');
    await admin.unsafe(`DELETE FROM history WHERE workflow_id = 'gap' AND event_id = 2`);
    await assert.rejects(store.readHistory(gap), (e: unknown) => e instanceof StoredDataCorruptError && /has lost event 2/.test(e.message));
    const short = await seed('short');
    await admin.unsafe(`DELETE FROM history WHERE workflow_id = 'short' AND event_id = 3`);
    await assert.rejects(store.readHistory(short), (e: unknown) => e instanceof StoredDataCorruptError && /ends at event 2, but the run has 3 events/.test(e.message));
    assert.equal((await store.readHistory(short, 1, 2)).length, 2, 'a read that stops at its limit is whole');
  });

  it('an altered run record fails its checksum', async () => {
    const key = await seed('record');
    await admin.unsafe(`UPDATE workflows SET status = 'COMPLETED' WHERE workflow_id = 'record'`);
    await assert.rejects(store.getWorkflow(key), (e: unknown) => e instanceof StoredDataCorruptError && /stored record of workflow record .* fails its checksum.*restore the database from a backup/.test(e.message));
  });
});
