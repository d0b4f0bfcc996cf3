// A shared PostgreSQL store (a cluster node's) outlives PostgreSQL restarts and a crash of its
// postmaster, on a private server this test may stop (never the machine's shared one): writes go
// on throughout; a write in flight when the server goes away ends with StorageOutcomeUnknownError
// (or succeeds), a write while it is down fails at once naming the address as unreachable, later
// writes succeed, the store is never reopened, and nothing is half-applied: each run's history
// is gap-free, ends where its record's nextEventId says, and its one timer row is its last step's.
// An exclusive store, by contrast, stops at the restart, and is opened again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HistoryEvent } from '@endure/protocol';
import type { CreateWorkflow, RunKey, UpdateWorkflow } from '@endure/storage';
import { PostgresStore, StorageOutcomeUnknownError } from '@endure/store-postgres';
import { startPrivatePostgres, type PrivatePostgres } from '../src/private-postgres.js';

const T0 = 1_700_000_000_000;
const RUNS = 4;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const key = (i: number): RunKey => ({ namespace: 'default', workflowId: `w${i}`, runId: 'r1' });
const fired = (eventId: number): HistoryEvent => ({ eventId, eventTime: T0 + eventId, type: 'TimerFired', attributes: { seq: eventId } });
const record = (k: RunKey, nextEventId: number) => ({ ...k, workflowType: 'w', taskQueue: 'q', status: 'RUNNING' as const, startTime: T0, closeTime: null, nextEventId, state: JSON.stringify({ at: nextEventId }) });
const timerAt = (k: RunKey, eventId: number) => ({ ...k, timerId: `t${eventId}`, fireAt: T0 + eventId });

function createOf(k: RunKey): CreateWorkflow {
  return { record: record(k, 2), events: [fired(1)], timers: [timerAt(k, 1)], expectedCurrentRunId: null };
}

/** One step of a run: an event, and its timer row replacing the previous step's, in one mutation. */
function step(k: RunKey, next: number): UpdateWorkflow {
  return { key: k, expectedNextEventId: next, record: record(k, next + 1), events: [fired(next)], upsertTimers: [timerAt(k, next)], deleteTimers: [`t${next - 1}`] };
}

const UNREACHABLE = /PostgreSQL schema chaos at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?schema=chaos is unreachable/;
/** What a read meets while the server goes away or is away. */
const READ_FAILURE = /is unreachable|the connection was lost/;

interface Tally {
  ok: number;
  unknown: number;
  unreachable: number;
}

describe('PostgreSQL stores through PostgreSQL restarts and a crash', () => {
  let pg: PrivatePostgres;
  before(async () => {
    pg = await startPrivatePostgres();
  });
  after(() => pg?.destroy());

  it('keeps writing: in-flight writes end unknown or done, later ones succeed, nothing is half-applied, never reopened', async () => {
    const store = await PostgresStore.open(pg.url('chaos'), { shared: true, connectTimeoutMs: 5_000 });
    const tally: Tally = { ok: 0, unknown: 0, unreachable: 0 };
    const next = Array.from({ length: RUNS }, () => 2);
    let stopping = false;
    try {
      await Promise.all(Array.from({ length: RUNS }, (_, i) => store.createWorkflow(createOf(key(i)))));

      /** Where run i stands, read back after a write whose outcome is unknown: it committed or not, nothing between. */
      const resync = async (i: number): Promise<void> => {
        for (;;) {
          try {
            const rec = await store.getWorkflow(key(i));
            assert.ok(rec, `run ${i} exists`);
            assert.ok(rec.nextEventId === next[i] || rec.nextEventId === next[i]! + 1, `run ${i}: ${rec.nextEventId} after a write from ${next[i]}`);
            next[i] = rec.nextEventId;
            return;
          } catch (e) {
            if (!READ_FAILURE.test((e as Error).message)) throw e;
            if (UNREACHABLE.test((e as Error).message)) tally.unreachable++;
            await pause(50);
          }
        }
      };
      const keepWriting = async (i: number): Promise<void> => {
        while (!stopping) {
          try {
            await store.updateWorkflow(step(key(i), next[i]!));
            next[i]!++;
            tally.ok++;
          } catch (e) {
            if (e instanceof StorageOutcomeUnknownError) {
              tally.unknown++;
              await resync(i);
            } else if (UNREACHABLE.test((e as Error).message)) {
              // Nothing was sent: the same step again (a conflict, next time round, would say otherwise).
              tally.unreachable++;
              await pause(50);
            } else {
              throw e;
            }
          }
        }
      };
      /** Waits until every run has taken `steps` more steps: writes work again. */
      const progress = async (steps: number, what: string): Promise<void> => {
        const from = [...next];
        const deadline = Date.now() + 60_000;
        while (next.some((n, i) => n < from[i]! + steps)) {
          if (failed) throw failed;
          assert.ok(Date.now() < deadline, `writes did not resume after ${what}: ${JSON.stringify({ from, next, tally })}`);
          await pause(20);
        }
      };

      let failed: unknown;
      const writers = Promise.all(Array.from({ length: RUNS }, (_, i) => keepWriting(i)));
      // Awaited at the end; a writer's failure also ends the phases' waits at once.
      writers.catch((e: unknown) => {
        failed = e;
      });
      const phase = async (what: string, disrupt: () => Promise<void>) => {
        await progress(5, `the phase before ${what}`);
        await disrupt();
        await progress(5, what);
      };

      await phase('a fast restart', () => pg.restart('fast'));
      await phase('an immediate restart', () => pg.restart('immediate'));
      await phase('kill -9 of the postmaster and a start', async () => {
        await pg.kill();
        await pg.start();
      });
      await phase('a stop, calls while down, and a start', async () => {
        const other = await PostgresStore.open(pg.url('chaos'), { shared: true, connectTimeoutMs: 5_000 });
        await pg.stop('fast');
        await other.close(); // a node may shut down while its database is away
        const started = Date.now();
        await assert.rejects(store.getWorkflow(key(0)), UNREACHABLE);
        await assert.rejects(store.createWorkflow(createOf(key(99))), (e: Error) => {
          assert.match(e.message, UNREACHABLE);
          assert.match(e.message, /nothing of the write reached the database/);
          return true;
        });
        // Refused at once (nothing listens), not after the connect timeout.
        assert.ok(Date.now() - started < 5_000, `failed fast (${Date.now() - started} ms)`);
        const down = tally.unreachable;
        const deadline = Date.now() + 30_000;
        while (tally.unreachable === down && Date.now() < deadline) await pause(20);
        assert.ok(tally.unreachable > down, 'the writers met the server down');
        await pg.start();
      });

      stopping = true;
      await writers;

      for (let i = 0; i < RUNS; i++) {
        const rec = await store.getWorkflow(key(i));
        assert.equal(rec?.nextEventId, next[i], `run ${i}'s record`);
        assert.equal(rec?.state, JSON.stringify({ at: next[i] }));
        // readHistory itself refuses a history with a gap or that does not end at nextEventId - 1.
        const history = await store.readHistory(key(i));
        assert.deepEqual(history, Array.from({ length: next[i]! - 1 }, (_, j) => fired(j + 1)));
      }
      const timers = await store.listTimers(Number.MAX_SAFE_INTEGER, 1000);
      assert.deepEqual(
        timers.map((t) => `${t.workflowId}/${t.timerId}`).sort(),
        Array.from({ length: RUNS }, (_, i) => `w${i}/t${next[i]! - 1}`).sort(),
        'each run holds exactly its last step’s timer',
      );
      assert.equal(await store.getWorkflow(key(99)), undefined, 'the write refused while down wrote nothing');
      assert.ok(tally.ok > 0 && tally.unreachable > 0, JSON.stringify(tally));
      // Written for whoever reads the test's output: how much of each kind happened.
      console.log(`steps written: ${tally.ok}; of unknown outcome: ${tally.unknown}; refused as unreachable: ${tally.unreachable}`);
    } finally {
      stopping = true;
      await store.close();
    }
  });

  it('an exclusive store stops when PostgreSQL restarts (its lock went with its session), and reopens once it is back', async () => {
    const address = pg.url('alone');
    const store = await PostgresStore.open(address);
    try {
      await store.createWorkflow(createOf(key(0)));
      await pg.restart('fast');
      await assert.rejects(store.updateWorkflow(step(key(0), 2)), /owner lock closed|whether it committed is unknown/);
      await assert.rejects(store.getWorkflow(key(0)), /owner lock closed|whether it committed is unknown/, 'stopped for good');
    } finally {
      await store.close();
    }
    const reopened = await PostgresStore.open(address);
    try {
      assert.equal((await reopened.getWorkflow(key(0)))?.nextEventId, 2);
    } finally {
      await reopened.close();
    }
  });
});
