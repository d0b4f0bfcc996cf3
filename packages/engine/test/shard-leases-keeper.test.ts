// Shard ownership across nodes (cluster/shard-leases-keeper.ts), on the reference store with a
// clock the test moves: shards spread evenly, a node that joins gets its share, a node that dies
// has its shards taken over once its leases end, and a node that paused past its leases gives
// them up before it could write — and its writes are fenced off by the store anyway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FencedOffError, type ShardLease, type Store } from '@endure/storage';
import { MemoryStore, emptyData } from '@endure/storage/memory';
import { ShardLeasesKeeper } from '../src/cluster/shard-leases-keeper.js';
import { shardOf } from '@endure/protocol';

const SHARDS = 16;
const LEASE_MS = 10_000;

function cluster(shardCount = SHARDS) {
  let now = 1_000_000;
  const clock = { now: () => now, schedule: () => () => {} };
  const store: Store = new MemoryStore(emptyData(), () => now);
  const nodes = new Map<string, { keeper: ShardLeasesKeeper; log: string[]; errors: unknown[] }>();
  const add = (nodeId: string, s: Store = store) => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const keeper = new ShardLeasesKeeper(
      s,
      { nodeId, address: `http://${nodeId}:7233`, shardCount, leaseMs: LEASE_MS, clock },
      { gained: (l) => log.push(`+${l.shardId}@${l.token}`), lost: (id, why) => void log.push(`-${id} ${why}`), failed: (e) => errors.push(e) },
    );
    nodes.set(nodeId, { keeper, log, errors });
    return keeper;
  };
  /** Rounds on every node given, `ms` apart. */
  const rounds = async (n: number, ids: string[], ms = 3_000) => {
    for (let i = 0; i < n; i++) {
      for (const id of ids) await nodes.get(id)!.keeper.tick();
      now += ms;
    }
  };
  const owned = (id: string) => nodes.get(id)!.keeper.owned();
  /** Every shard held by exactly one of `ids`. */
  const assertPartition = (ids: string[]) => {
    const all = ids.flatMap(owned).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: SHARDS }, (_, i) => i), `each shard once: ${ids.map((id) => `${id}=${owned(id).join(',')}`).join(' ')}`);
  };
  return { store, add, rounds, owned, assertPartition, nodes, advance: (ms: number) => (now += ms) };
}

describe('shards of runs', () => {
  it('a workflow id always maps to the same shard (stored data depends on it), and ids spread evenly', () => {
    assert.equal(shardOf('default', 'order-1', 16), shardOf('default', 'order-1', 16));
    // Fixed values: changing the function would strand stored runs in the wrong shard.
    assert.deepEqual(
      ['order-1', 'order-2', 'a', ''].map((id) => shardOf('default', id, 64)),
      [52, 45, 1, 58],
    );
    assert.equal(shardOf('default', 'x', 1), 0);
    assert.notEqual(shardOf('ns1', 'same-id', 1024), shardOf('ns2', 'same-id', 1024), 'the namespace is part of the key');
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf('default', `wf-${i}`, 16)]!++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, `roughly 1000 per shard: ${counts.join(',')}`);
    assert.throws(() => shardOf('default', 'x', 0), /shardCount must be a positive integer/);
  });
});

describe('shard leases across nodes', () => {
  it('one node takes every shard; nodes that join get an even share, moved one shard per round', async () => {
    const c = cluster();
    c.add('a');
    await c.rounds(1, ['a']);
    assert.equal(c.owned('a').length, SHARDS);
    c.add('b');
    await c.rounds(12, ['a', 'b']);
    assert.deepEqual([c.owned('a').length, c.owned('b').length], [8, 8]);
    c.assertPartition(['a', 'b']);
    c.add('c');
    await c.rounds(12, ['a', 'b', 'c']);
    assert.deepEqual([c.owned('a'), c.owned('b'), c.owned('c')].map((o) => o.length).sort(), [5, 5, 6]);
    c.assertPartition(['a', 'b', 'c']);
    // Shards that moved went to their new owner with the next token.
    const leases = await c.store.listShardLeases();
    for (const l of leases) assert.equal(c.nodes.get(l.nodeId)?.keeper.lease(l.shardId)?.token, l.token);
  });

  it('more nodes than shards: each shard settles on one node and stays there (no node gives one up to another with none)', async () => {
    const c = cluster(2);
    for (const id of ['a', 'b', 'c']) c.add(id);
    await c.rounds(6, ['a', 'b', 'c']);
    const before = (await c.store.listShardLeases()).map((l) => `${l.shardId}:${l.nodeId}@${l.token}`);
    await c.rounds(12, ['a', 'b', 'c']);
    assert.deepEqual((await c.store.listShardLeases()).map((l) => `${l.shardId}:${l.nodeId}@${l.token}`), before, 'no shard moved once settled');
    assert.deepEqual(['a', 'b', 'c'].map((id) => c.owned(id).length).sort(), [0, 1, 1]);
  });

  it("a node that dies keeps its shards until its leases end; then the others take them over, and its writes are fenced off", async () => {
    const c = cluster();
    for (const id of ['a', 'b', 'c']) c.add(id);
    await c.rounds(12, ['a', 'b', 'c']);
    c.assertPartition(['a', 'b', 'c']);
    const dead = c.owned('c').map((id) => c.nodes.get('c')!.keeper.lease(id)!);
    c.nodes.get('c')!.keeper.halt();
    await c.rounds(1, ['a', 'b'], 1_000);
    assert.equal(c.owned('a').length + c.owned('b').length, SHARDS - dead.length, 'not before the leases end');
    await c.rounds(6, ['a', 'b']);
    c.assertPartition(['a', 'b']);
    for (const lease of dead) await assertFenced(c.store, lease);
  });

  it('a node that paused past its leases gives them up before acting on them, then gets its share again', async () => {
    const c = cluster();
    for (const id of ['a', 'b']) c.add(id);
    await c.rounds(12, ['a', 'b']);
    const before = c.owned('b').map((id) => c.nodes.get('b')!.keeper.lease(id)!);
    await c.rounds(6, ['a']); // b is paused: a alone for 18 s
    assert.equal(c.owned('a').length, SHARDS, "a took over b's shards once their leases ended");
    await c.nodes.get('b')!.keeper.tick(); // b wakes
    const log = c.nodes.get('b')!.log;
    for (const l of before) assert.ok(log.includes(`-${l.shardId} its lease was not renewed in time`), `b gave up shard ${l.shardId}: ${log.join(' | ')}`);
    for (const lease of before) await assertFenced(c.store, lease);
    await c.rounds(12, ['a', 'b']);
    assert.deepEqual([c.owned('a').length, c.owned('b').length], [8, 8]);
    c.assertPartition(['a', 'b']);
  });

  it('a stopping node gives its shards back at once and leaves the node list', async () => {
    const c = cluster();
    for (const id of ['a', 'b']) c.add(id);
    await c.rounds(12, ['a', 'b']);
    await c.nodes.get('b')!.keeper.stop();
    assert.deepEqual(c.owned('b'), []);
    assert.deepEqual((await c.store.listNodes()).map((n) => n.nodeId), ['a']);
    await c.rounds(1, ['a'], 0);
    assert.equal(c.owned('a').length, SHARDS, 'taken without waiting for leases to end');
  });

  it('while the store cannot be reached, rounds fail and are reported, and leases are given up locally when they may have ended', async () => {
    const c = cluster();
    let down = false;
    const flaky = new Proxy(c.store, {
      get(target, name: keyof Store) {
        const v = target[name];
        return typeof v === 'function' ? (...args: unknown[]) => (down ? Promise.reject(new Error('connection refused')) : (v as (...a: unknown[]) => unknown).apply(target, args)) : v;
      },
    });
    c.add('a', flaky);
    await c.rounds(1, ['a']);
    assert.equal(c.owned('a').length, SHARDS);
    down = true;
    await c.rounds(3, ['a']);
    assert.equal(c.owned('a').length, SHARDS, 'still within the leases');
    await c.rounds(1, ['a']);
    assert.deepEqual(c.owned('a'), [], 'given up once the leases may have ended');
    assert.ok(c.nodes.get('a')!.errors.length >= 4);
    down = false;
    await c.rounds(1, ['a']);
    assert.equal(c.owned('a').length, SHARDS, 'back when the store is');
  });
});

/** A write under `lease` is refused: someone else holds the shard now. */
async function assertFenced(store: Store, lease: ShardLease): Promise<void> {
  const k = { namespace: 'default', workflowId: `fenced-${lease.shardId}-${lease.token}`, runId: 'r' };
  await assert.rejects(
    store.createWorkflow({
      record: { ...k, workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: 0, closeTime: null, nextEventId: 1, state: '{}' },
      events: [],
      expectedCurrentRunId: null,
      fence: { shardId: lease.shardId, token: lease.token },
    }),
    FencedOffError,
  );
}
