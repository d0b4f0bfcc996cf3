// Group commit on PostgreSQL: concurrent mutations share transactions, a statement that fails
// fails only its own mutation, and a lost connection stops the store with an error that says the
// outcome is unknown.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import postgres from 'postgres';
import type { CreateWorkflow, TaskRow } from '@endure/storage';
import { PostgresStore, StorageOutcomeUnknownError } from '../src/index.js';
import { TEST_DATABASE, freshSchema } from './helpers.js';

const T0 = 1_700_000_000_000;

function createOf(workflowId: string, tasks: TaskRow[] = []): CreateWorkflow {
  const runId = 'r1';
  return {
    record: { namespace: 'default', workflowId, runId, workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: T0, closeTime: null, nextEventId: 2, state: '{}' },
    events: [{ eventId: 1, eventTime: T0, type: 'TimerFired', attributes: { seq: 1 } }],
    tasks,
    expectedCurrentRunId: null,
  };
}

describe('PostgresStore group commit', () => {
  const dropped: (() => Promise<void>)[] = [];
  after(() => Promise.all(dropped.map((d) => d())));
  const open = async () => {
    const s = freshSchema('gc');
    dropped.push(() => s.drop());
    return { s, store: await PostgresStore.open(s.address) };
  };

  it('200 concurrent creates commit in a few transactions, and each is there', async () => {
    const { store } = await open();
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.createWorkflow(createOf(`wf${i}`))));
      const st = store.stats();
      assert.equal(st.mutations, 200);
      assert.ok(st.commits < 20, `200 mutations took ${st.commits} commits`);
      assert.equal(await store.countWorkflows('default'), 200);
    } finally {
      await store.close();
    }
  });

  it('a mutation the database refuses fails alone; the batch around it commits', async () => {
    const { store } = await open();
    try {
      // A kind outside the CHECK constraint passes planning and fails in the database.
      const bad = createOf('bad', [{ namespace: 'default', workflowId: 'bad', runId: 'r1', taskId: 'wft', taskQueue: 'q', kind: 'bogus' as TaskRow['kind'], visibleAt: 1 }]);
      const results = await Promise.allSettled([store.createWorkflow(createOf('a')), store.createWorkflow(bad), store.createWorkflow(createOf('b'))]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason), /tasks_kind_check/);
      assert.equal(store.stats().failedBatches >= 1, true);
      assert.ok(await store.getWorkflow({ namespace: 'default', workflowId: 'a', runId: 'r1' }));
      assert.ok(await store.getWorkflow({ namespace: 'default', workflowId: 'b', runId: 'r1' }));
      assert.equal(await store.getWorkflow({ namespace: 'default', workflowId: 'bad', runId: 'r1' }), undefined);
    } finally {
      await store.close();
    }
  });

  it('text PostgreSQL cannot store is refused when called, naming the field', async () => {
    const { store } = await open();
    try {
      await assert.rejects(store.createWorkflow(createOf('nul\u0000id')), /workflowId contains a NUL character or an unpaired surrogate, which PostgreSQL text cannot store/);
      await assert.rejects(store.createWorkflow(createOf('half\ud800')), /workflowId contains a NUL character or an unpaired surrogate/);
    } finally {
      await store.close();
    }
  });

  it('when the writer connection is lost, pending writes reject as of unknown outcome and the store stops', async () => {
    const { s, store } = await open();
    const admin = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await store.createWorkflow(createOf('first'));
      // The writer is the session holding the owner lock.
      await admin.unsafe(
        `SELECT pg_terminate_backend(o.backend_pid) FROM "${s.schema}".owner o`,
      );
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.createWorkflow(createOf(`after${i}`))));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const e = (r as PromiseRejectedResult).reason as Error;
        assert.ok(e instanceof StorageOutcomeUnknownError || /connection that holds the owner lock closed/.test(e.message), String(e));
      }
      await assert.rejects(store.createWorkflow(createOf('later')));
      await assert.rejects(store.getWorkflow({ namespace: 'default', workflowId: 'first', runId: 'r1' }));
    } finally {
      await store.close();
      await admin.end({ timeout: 5 });
    }
    const reopened = await PostgresStore.open(s.address, { lockTimeoutMs: 30_000 });
    try {
      assert.ok(await reopened.getWorkflow({ namespace: 'default', workflowId: 'first', runId: 'r1' }));
    } finally {
      await reopened.close();
    }
  });

  it('a database that stops answering fails the writes after statementTimeoutMs, all at once and committing nothing, and the store stops', async () => {
    const s = freshSchema('gc');
    dropped.push(() => s.drop());
    const store = await PostgresStore.open(s.address, { statementTimeoutMs: 300 });
    const blocker = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await store.createWorkflow(createOf('before'));
      // Another session holds the table, so every write waits on it, as on a hung database.
      const held = blocker.begin(async (tx) => {
        await tx.unsafe(`LOCK TABLE "${s.schema}".workflows IN ACCESS EXCLUSIVE MODE`);
        await new Promise((r) => setTimeout(r, 3_000));
      });
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createWorkflow(createOf(`stuck${i}`))));
      const took = Date.now() - started;
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.match(((r as PromiseRejectedResult).reason as Error).message, /statement timeout.*statementTimeoutMs.*nothing of it was committed/);
      }
      assert.ok(took < 2_500, `rejected after one timeout, not one per write (${took} ms)`);
      await assert.rejects(store.createWorkflow(createOf('later')), /statementTimeoutMs/);
      await held;
    } finally {
      await store.close();
      await blocker.end({ timeout: 5 });
    }
    const reopened = await PostgresStore.open(s.address, { lockTimeoutMs: 30_000 });
    try {
      assert.ok(await reopened.getWorkflow({ namespace: 'default', workflowId: 'before', runId: 'r1' }));
      assert.equal(await reopened.countWorkflows('default'), 1, 'none of the timed-out writes committed');
    } finally {
      await reopened.close();
    }
  });
});
