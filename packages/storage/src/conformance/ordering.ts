// Un-awaited mutations apply in call order, and one failure in a batch does not spread.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CurrentRunConflictError, VersionConflictError } from '../port.js';
import type { WithStore } from './harness.js';
import { createOf, events, key, started, updateOf } from './fixtures.js';

export function orderingSuite(withStore: WithStore): void {
  void describe('ordering and batching', () => {
    void it('50 pipelined updates on one run, each expecting the previous, all succeed in call order', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        await store.createWorkflow(createOf(k));
        const pending = Array.from({ length: 50 }, (_, i) => store.updateWorkflow(updateOf(k, 2 + i, 1)));
        await Promise.all(pending);
        assert.deepEqual(await store.readHistory(k), [started('r1'), ...events(2, 50)]);
        assert.equal((await store.getWorkflow(k))?.nextEventId, 52);
      }));

    void it('a create and the updates issued right after it, none awaited, all apply', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const pending = [store.createWorkflow(createOf(k))];
        for (let next = 2; next < 12; next += 2) pending.push(store.updateWorkflow(updateOf(k, next, 2)));
        pending.push(store.createWorkflow(createOf(key('wf', 'r2'), { expectedCurrentRunId: 'r1' })));
        await Promise.all(pending);
        assert.deepEqual(await store.readHistory(k), [started('r1'), ...events(2, 10)]);
        assert.equal((await store.getCurrentRun('default', 'wf'))?.runId, 'r2');
      }));

    void it('in a batch of concurrent mutations only the conflicting ones fail', () =>
      withStore(async ({ store }) => {
        const keys = Array.from({ length: 20 }, (_, i) => key(`wf${i}`));
        await Promise.all(keys.map((k) => store.createWorkflow(createOf(k))));
        const ops: Promise<void>[] = [];
        for (const [i, k] of keys.entries()) {
          ops.push(store.updateWorkflow(updateOf(k, 2, 1)));
          if (i === 7) ops.push(store.updateWorkflow(updateOf(k, 2, 5))); // stale: the one above won
          if (i === 11) ops.push(store.createWorkflow(createOf(key(`wf${i}`, 'rX')))); // run exists
        }
        const results = await Promise.allSettled(ops);
        const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ i, reason: r.reason as unknown }] : []));
        assert.equal(failed.length, 2, `failures: ${failed.map((f) => String(f.reason)).join('; ')}`);
        assert.ok(failed[0].reason instanceof VersionConflictError);
        assert.equal(failed[0].reason.actual, 3);
        assert.ok(failed[1].reason instanceof CurrentRunConflictError);
        assert.equal(failed[1].reason.currentRunId, 'r1');
        for (const k of keys) assert.deepEqual(await store.readHistory(k), [started('r1'), ...events(2, 1)]);
        assert.equal(await store.getWorkflow(key('wf11', 'rX')), undefined);
      }));

    void it('a failure in the middle of a pipelined chain leaves the links before and after it applied', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        await store.createWorkflow(createOf(k));
        const first = store.updateWorkflow(updateOf(k, 2, 1));
        const stale = store.updateWorkflow(updateOf(k, 2, 1));
        const missingRun = store.updateWorkflow(updateOf(key('wf', 'r9'), 3, 1));
        const next = store.updateWorkflow(updateOf(k, 3, 2));
        const results = await Promise.allSettled([first, stale, missingRun, next]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
        );
        assert.deepEqual(await store.readHistory(k), [started('r1'), ...events(2, 3)]);
      }));

    void it('runs with the same ids in different namespaces are isolated', () =>
      withStore(async ({ store }) => {
        const a = key('same', 'r1', 'ns-a');
        const b = key('same', 'r1', 'ns-b');
        await store.createWorkflow(createOf(a, { extra: 3 }));
        await store.createWorkflow(createOf(b)); // null expectation: ns-a's run does not count
        await store.updateWorkflow(updateOf(b, 2, 1));
        await rejectsVersion(store.updateWorkflow(updateOf(b, 5, 1)));
        assert.deepEqual(await store.readHistory(a), [started('r1'), ...events(2, 3)]);
        assert.deepEqual(await store.readHistory(b), [started('r1'), ...events(2, 1)]);
        assert.equal((await store.getWorkflow(a))?.nextEventId, 5);
        assert.equal((await store.getCurrentRun('ns-b', 'same'))?.nextEventId, 3);
        await store.createWorkflow(createOf(key('same', 'r2', 'ns-b'), { expectedCurrentRunId: 'r1' }));
        assert.equal((await store.getCurrentRun('ns-a', 'same'))?.runId, 'r1');
        assert.equal((await store.getCurrentRun('ns-b', 'same'))?.runId, 'r2');
      }));

    void it('many runs across namespaces written concurrently keep separate histories', () =>
      withStore(async ({ store }) => {
        const keys = Array.from({ length: 60 }, (_, i) => key(`wf${i % 20}`, `r${i}`, `ns${i % 3}`));
        const ops = keys.map((k) => store.createWorkflow(createOf(k)));
        // Run i gets i % 5 + 1 updates of i % 3 + 1 events each, all interleaved and un-awaited.
        for (let round = 0; round < 5; round++) {
          for (const [i, k] of keys.entries()) {
            const per = (i % 3) + 1;
            if (round <= i % 5) ops.push(store.updateWorkflow(updateOf(k, 2 + round * per, per)));
          }
        }
        await Promise.all(ops);
        for (const [i, k] of keys.entries()) {
          const n = ((i % 5) + 1) * ((i % 3) + 1);
          assert.deepEqual(await store.readHistory(k), [started(k.runId), ...events(2, n)]);
          assert.equal((await store.getWorkflow(k))?.nextEventId, n + 2);
        }
      }));
  });
}

async function rejectsVersion(p: Promise<void>): Promise<void> {
  await assert.rejects(p, VersionConflictError);
}
