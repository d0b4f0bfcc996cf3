// Shared mode (a cluster's nodes on one schema): several stores open at once, each sees the
// others' writes, shard leases fence them, an exclusive store and shared ones never mix, and a
// shared store outlives the loss of its writer's session.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createServer, type Socket } from 'node:net';
import postgres from 'postgres';
import { FencedOffError, type CreateWorkflow, type RunKey, type UpdateWorkflow } from '@endure/storage';
import type { HistoryEvent } from '@endure/protocol';
import { LATEST_SCHEMA_VERSION, PostgresStore, SchemaLockedError, StorageOutcomeUnknownError } from '../src/index.js';
import { TEST_DATABASE, freshSchema } from './helpers.js';

const T0 = 1_700_000_000_000;
const LONG_MS = 60_000;

const key = (workflowId: string): RunKey => ({ namespace: 'default', workflowId, runId: 'r1' });
const fired = (eventId: number): HistoryEvent => ({ eventId, eventTime: T0 + eventId, type: 'TimerFired', attributes: { seq: eventId } });
const record = (k: RunKey, nextEventId: number) => ({ ...k, workflowType: 'w', taskQueue: 'q', status: 'RUNNING' as const, startTime: T0, closeTime: null, nextEventId, state: '{}' });

function createOf(k: RunKey): CreateWorkflow {
  return { record: record(k, 2), events: [fired(1)], expectedCurrentRunId: null };
}

function updateOf(k: RunKey, expectedNextEventId: number): UpdateWorkflow {
  return { key: k, expectedNextEventId, record: record(k, expectedNextEventId + 1), events: [fired(expectedNextEventId)] };
}

describe('PostgresStore shared mode', () => {
  const dropped: (() => Promise<void>)[] = [];
  after(() => Promise.all(dropped.map((d) => d())));
  const schema = () => {
    const s = freshSchema('sh');
    dropped.push(() => s.drop());
    return s;
  };

  it('several shared stores open one fresh schema at once (migrating it once), write their own runs and see each other’s', async () => {
    const s = schema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(s.address, { shared: true })));
    try {
      for (const store of stores) assert.equal(store.exclusive, false);
      await Promise.all(stores.map((store, i) => store.createWorkflow(createOf(key(`w${i}`)))));
      await Promise.all(stores.map((store, i) => store.updateWorkflow(updateOf(key(`w${i}`), 2))));
      for (const store of stores) {
        assert.equal(await store.countWorkflows('default'), 4);
        for (let i = 0; i < stores.length; i++) {
          assert.equal((await store.getWorkflow(key(`w${i}`)))?.nextEventId, 3);
          assert.deepEqual(await store.readHistory(key(`w${i}`)), [fired(1), fired(2)]);
        }
      }
      const admin = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
      try {
        const rows = await admin.unsafe<{ version: number }[]>(`SELECT version FROM "${s.schema}".schema_version`);
        assert.deepEqual(rows.map((r) => r.version), [LATEST_SCHEMA_VERSION], 'one version row: the schema was migrated once');
      } finally {
        await admin.end({ timeout: 5 });
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('a node whose shard was taken over by another node is fenced off; the new holder writes', async () => {
    const s = schema();
    const [a, b] = await Promise.all([PostgresStore.open(s.address, { shared: true }), PostgresStore.open(s.address, { shared: true })]);
    try {
      const k = key('fenced');
      const leaseA = await a.acquireShard(2, 'node-a', 100);
      assert.ok(leaseA);
      await a.createWorkflow({ ...createOf(k), fence: { shardId: 2, token: leaseA.token } });
      assert.equal(await b.acquireShard(2, 'node-b', LONG_MS), undefined, 'the lease still runs');
      await new Promise((r) => setTimeout(r, 400));
      const leaseB = await b.acquireShard(2, 'node-b', LONG_MS);
      assert.equal(leaseB?.token, leaseA.token + 1);
      await assert.rejects(a.updateWorkflow({ ...updateOf(k, 2), fence: { shardId: 2, token: leaseA.token } }), FencedOffError);
      await b.updateWorkflow({ ...updateOf(k, 2), fence: { shardId: 2, token: leaseB!.token } });
      assert.equal((await a.getWorkflow(k))?.nextEventId, 3, 'node a reads what node b wrote');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('an exclusive store is refused while shared ones hold the schema (naming the cluster’s nodes), and the other way round', async () => {
    const s = schema();
    const shared = await PostgresStore.open(s.address, { shared: true });
    try {
      await shared.heartbeatNode({ nodeId: 'n1', address: 'http://10.0.0.1:7233', startedAt: T0 }, LONG_MS);
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), (e: unknown) => {
        assert.ok(e instanceof SchemaLockedError);
        assert.deepEqual(e.holder, { cluster: ['http://10.0.0.1:7233'] });
        assert.match(e.message, /is shared by a cluster of Endure servers \(nodes at http:\/\/10\.0\.0\.1:7233\).*open the store shared \(shared: true\)/);
        return true;
      });
      await assert.rejects(shared.recordServerUrl('http://x'), /recordServerUrl is for a store that owns its schema alone/);
    } finally {
      await shared.close();
    }
    const exclusive = await PostgresStore.open(s.address, { lockTimeoutMs: 0 });
    try {
      assert.equal(exclusive.exclusive, true);
      await assert.rejects(PostgresStore.open(s.address, { shared: true, lockTimeoutMs: 0 }), (e: unknown) => {
        assert.ok(e instanceof SchemaLockedError);
        assert.match(e.message, new RegExp(`is in use by process ${process.pid} .*owns the PostgreSQL schema alone`));
        return true;
      });
    } finally {
      await exclusive.close();
    }
    const again = await PostgresStore.open(s.address, { shared: true, lockTimeoutMs: 0 });
    await again.close();
  });

  it('goes on after its writer’s session is killed: writes work again without reopening, and the schema lock is held again', async () => {
    const s = schema();
    const store = await PostgresStore.open(s.address, { shared: true });
    const admin = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await store.createWorkflow(createOf(key('before')));
      // The writer is the one session holding the schema lock (in share mode).
      const killed = await admin.unsafe<{ pid: number }[]>(
        `SELECT l.pid, pg_terminate_backend(l.pid) FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.mode = 'ShareLock' AND l.objsubid = 1
           AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext($1)::bigint`,
        [`endure:owner:${s.schema}`],
      );
      assert.equal(killed.length, 1);
      // The first writes may still meet the dead session (their outcome then unknown) until the
      // driver has seen it close; then one succeeds on a new session.
      for (let attempt = 0; ; attempt++) {
        try {
          await store.createWorkflow(createOf(key(`during${attempt}`)));
          break;
        } catch (e) {
          assert.ok(e instanceof StorageOutcomeUnknownError, String(e));
          assert.ok(attempt < 5, 'a write succeeds again');
        }
      }
      await store.createWorkflow(createOf(key('after')));
      await store.updateWorkflow(updateOf(key('before'), 2));
      assert.equal((await store.getWorkflow(key('before')))?.nextEventId, 3);
      assert.ok(await store.getWorkflow(key('after')));
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), SchemaLockedError, 'the new session took the schema lock again');
    } finally {
      await store.close();
      await admin.end({ timeout: 5 });
    }
  });

  it('a shared store whose session was lost while an exclusive store took the schema writes nothing until that one lets go', async () => {
    const s = schema();
    const shared = await PostgresStore.open(s.address, { shared: true });
    const admin = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await shared.createWorkflow(createOf(key('a')));
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ShareLock' AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = hashtext($1)::bigint`, [
        `endure:owner:${s.schema}`,
      ]);
      const exclusive = await PostgresStore.open(s.address, { lockTimeoutMs: 30_000 });
      try {
        // Until the shared store has noticed its session ended, a write may also end unknown.
        for (let attempt = 0; ; attempt++) {
          try {
            await shared.updateWorkflow(updateOf(key('a'), 2));
            assert.fail('a shared write while an exclusive store holds the schema');
          } catch (e) {
            if (e instanceof StorageOutcomeUnknownError && attempt < 5) continue;
            assert.ok(e instanceof SchemaLockedError, String(e));
            break;
          }
        }
        assert.equal((await exclusive.getWorkflow(key('a')))?.nextEventId, 2, 'nothing of the refused write landed');
      } finally {
        await exclusive.close();
      }
      await shared.updateWorkflow(updateOf(key('a'), 2));
      await assert.rejects(PostgresStore.open(s.address, { lockTimeoutMs: 0 }), SchemaLockedError, 'the shared store holds the schema again');
    } finally {
      await shared.close();
      await admin.end({ timeout: 5 });
    }
  });

  it('a write the statement timeout cancels rejects whole, and the store goes on', async () => {
    const s = schema();
    const store = await PostgresStore.open(s.address, { shared: true, statementTimeoutMs: 300 });
    const blocker = postgres(TEST_DATABASE, { max: 1, onnotice: () => undefined });
    try {
      await store.createWorkflow(createOf(key('before')));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // Another session holds the table, so every write waits on it, as on a hung database.
      const held = blocker.begin(async (tx) => {
        await tx.unsafe(`LOCK TABLE "${s.schema}".workflows IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      });
      await isLocked;
      const results = await Promise.allSettled([0, 1, 2].map((i) => store.createWorkflow(createOf(key(`stuck${i}`)))));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.match(((r as PromiseRejectedResult).reason as Error).message, /statementTimeoutMs.*nothing of it was committed: the store goes on/);
      }
      release();
      await held;
      await store.createWorkflow(createOf(key('after')));
      assert.equal(await store.countWorkflows('default'), 2, 'before and after; none of the cancelled writes');
    } finally {
      await store.close();
      await blocker.end({ timeout: 5 });
    }
  });

  it('a host that accepts connections but never answers fails the call after connectTimeoutMs, naming it unreachable', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((c) => sockets.push(c));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      await assert.rejects(PostgresStore.open(`postgres://postgres@127.0.0.1:${port}/test?schema=nobody`, { shared: true, connectTimeoutMs: 300 }), (e: Error) => {
        assert.match(e.message, new RegExp(`PostgreSQL schema nobody at postgres://postgres@127\\.0\\.0\\.1:${port}/test\\?schema=nobody is unreachable: .*\\(CONNECT_TIMEOUT\\)`));
        return true;
      });
      // Not a timing assertion beyond "it did not hang": the default would be 10 s.
      assert.ok(Date.now() - started < 8_000, `gave up after ${Date.now() - started} ms`);
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
