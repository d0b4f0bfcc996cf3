// Shard leases, fencing and cluster membership (shard-leases.ts in the port): who may write a
// shard's runs, that a write under a lease taken over is refused whole, and the node records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FencedOffError, type ShardLease } from '../shard-leases.js';
import type { WithStore } from './harness.js';
import { allTasks, allTimers, createOf, key, rejectsWith, task, timer, updateOf } from './fixtures.js';

/** Leases short enough to run out while a test waits, long enough not to while it works. */
const SHORT_MS = 150;
const LONG_MS = 60_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `shard` for `node`, which must succeed. */
async function take(store: { acquireShard: (s: number, n: string, ms: number) => Promise<ShardLease | undefined> }, shard: number, node: string, ms = LONG_MS): Promise<ShardLease> {
  const lease = await store.acquireShard(shard, node, ms);
  assert.ok(lease, `node ${node} takes shard ${shard}`);
  return lease;
}

export function shardLeasesSuite(withStore: WithStore, durable: boolean): void {
  void describe('shard leases and fencing', () => {
    void it('the first taker gets token 1; another node is refused while the lease runs; the holder renews with the same token', () =>
      withStore(async ({ store }) => {
        const before = Date.now();
        const lease = await take(store, 3, 'node-a');
        assert.equal(lease.shardId, 3);
        assert.equal(lease.nodeId, 'node-a');
        assert.equal(lease.token, 1);
        // The store's clock, which may be another machine's: close to ours, not equal.
        assert.ok(Math.abs(lease.expiresAt - (before + LONG_MS)) < 10_000, `expiresAt ${lease.expiresAt} is about ${LONG_MS} ms from now`);
        assert.equal(await store.acquireShard(3, 'node-b', LONG_MS), undefined);
        const again = await take(store, 3, 'node-a');
        assert.equal(again.token, 1, 'acquiring a shard one holds renews it');
        const renewed = await store.renewShard(lease, LONG_MS);
        assert.equal(renewed?.token, 1);
        assert.deepEqual(await store.listShardLeases(), [renewed]);
      }));

    void it('a lease that ran out is taken over with the next token; the old holder can neither renew nor release it', () =>
      withStore(async ({ store }) => {
        const old = await take(store, 0, 'node-a', SHORT_MS);
        await pause(SHORT_MS * 3);
        const taken = await take(store, 0, 'node-b');
        assert.equal(taken.token, 2);
        assert.equal(await store.renewShard(old, LONG_MS), undefined, 'the old lease is gone');
        await store.releaseShard(old); // a no-op: it is not the shard's lease any more
        assert.deepEqual(await store.listShardLeases(), [taken]);
        assert.equal(await store.acquireShard(0, 'node-a', LONG_MS), undefined);
      }));

    void it('a lease that ran out but was not taken renews with its token (nobody wrote under another)', () =>
      withStore(async ({ store }) => {
        const lease = await take(store, 1, 'node-a', SHORT_MS);
        await pause(SHORT_MS * 3);
        const renewed = await store.renewShard(lease, LONG_MS);
        assert.equal(renewed?.token, 1);
        assert.equal(await store.acquireShard(1, 'node-b', LONG_MS), undefined);
      }));

    void it('a released shard is taken at once by another node, with the next token', () =>
      withStore(async ({ store }) => {
        const lease = await take(store, 7, 'node-a');
        await store.releaseShard(lease);
        const [released] = await store.listShardLeases();
        assert.equal(released?.expiresAt, 0);
        assert.equal((await take(store, 7, 'node-b')).token, 2);
      }));

    void it('a write fenced with the current token applies; after a takeover the same fence is refused and nothing of the write lands', () =>
      withStore(async ({ store }) => {
        const k = key('fenced');
        const a = await take(store, 5, 'node-a', SHORT_MS);
        const fenceA = { shardId: 5, token: a.token };
        await store.createWorkflow({ ...createOf(k, { tasks: [task(k, 'wft', 1)] }), fence: fenceA });
        await store.updateWorkflow({ ...updateOf(k, 2, 1), fence: fenceA });
        await pause(SHORT_MS * 3);
        const b = await take(store, 5, 'node-b');
        await rejectsWith(store.updateWorkflow({ ...updateOf(k, 3, 2, { upsertTimers: [timer(k, 'timer:1', 5)], deleteTasks: ['wft'] }), fence: fenceA }), FencedOffError, (e) => {
          assert.deepEqual(e.fence, fenceA);
          assert.equal(e.currentToken, 2);
        });
        assert.equal((await store.getWorkflow(k))?.nextEventId, 3, 'no events appended');
        assert.equal((await store.readHistory(k)).length, 2);
        assert.deepEqual((await allTasks(store)).map((t) => t.taskId), ['wft'], 'no row changed');
        assert.deepEqual(await allTimers(store), []);
        const k2 = key('fenced-create');
        await rejectsWith(store.createWorkflow({ ...createOf(k2), fence: fenceA }), FencedOffError);
        assert.equal(await store.getWorkflow(k2), undefined, 'no run created');
        await store.updateWorkflow({ ...updateOf(k, 3, 1), fence: { shardId: 5, token: b.token } });
        assert.equal((await store.getWorkflow(k))?.nextEventId, 4, 'the new owner writes');
      }));

    void it("a fence for a shard never leased is refused; a fenced-off write does not fail the writes issued beside it", () =>
      withStore(async ({ store }) => {
        await rejectsWith(store.createWorkflow({ ...createOf(key('nobody')), fence: { shardId: 9, token: 1 } }), FencedOffError, (e) => assert.equal(e.currentToken, undefined));
        const lease = await take(store, 2, 'node-a');
        const good = store.createWorkflow({ ...createOf(key('good-1')), fence: { shardId: 2, token: lease.token } });
        const stale = store.createWorkflow({ ...createOf(key('stale')), fence: { shardId: 2, token: lease.token - 1 } });
        const unfenced = store.createWorkflow(createOf(key('good-2')));
        const outcomes = await Promise.allSettled([good, stale, unfenced]);
        assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.ok(await store.getWorkflow(key('good-1')));
        assert.ok(await store.getWorkflow(key('good-2')));
        assert.equal(await store.getWorkflow(key('stale')), undefined);
      }));

    void it('nodes announce themselves, are listed with their times, and are removed', () =>
      withStore(async (ctx) => {
        const before = Date.now();
        const b = await ctx.store.heartbeatNode({ nodeId: 'node-b', address: 'http://10.0.0.2:7233', startedAt: 1000 }, LONG_MS);
        await ctx.store.heartbeatNode({ nodeId: 'node-a', address: 'http://10.0.0.1:7233', startedAt: 900 }, LONG_MS);
        assert.equal(b.address, 'http://10.0.0.2:7233');
        assert.equal(b.startedAt, 1000);
        assert.ok(Math.abs(b.heartbeatAt - before) < 10_000);
        assert.equal(b.expiresAt, b.heartbeatAt + LONG_MS);
        await pause(5);
        const again = await ctx.store.heartbeatNode({ nodeId: 'node-b', address: 'http://10.0.0.2:7233', startedAt: 1000 }, LONG_MS);
        assert.ok(again.heartbeatAt >= b.heartbeatAt);
        assert.deepEqual((await ctx.store.listNodes()).map((n) => n.nodeId), ['node-a', 'node-b']);
        const lease = await take(ctx.store, 4, 'node-a');
        if (durable) {
          const reopened = await ctx.reopen();
          assert.deepEqual((await reopened.listNodes()).map((n) => n.nodeId), ['node-a', 'node-b'], 'nodes survive a reopen');
          assert.deepEqual(await reopened.listShardLeases(), [lease], 'leases survive a reopen');
        }
        await ctx.store.removeNode('node-b');
        await ctx.store.removeNode('never-was');
        assert.deepEqual((await ctx.store.listNodes()).map((n) => n.nodeId), ['node-a']);
      }));
  });
}
