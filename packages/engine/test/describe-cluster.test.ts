// describeCluster (cluster/describe-cluster.ts) over the reference store, seeded through the
// port's own lease and membership calls on a clock the test moves: which nodes are alive, which
// leases are held, which shards each node holds and which nobody does; and the engine's method,
// judged on its wall clock (`waits`) even when its workflow clock is virtual.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeClusterResponse, validatingApi } from '@endure/protocol';
import { MemoryStore, emptyData } from '@endure/storage/memory';
import { describeCluster } from '../src/cluster/describe-cluster.js';
import { Engine, systemClock, type Clock } from '../src/index.js';

function seededStore() {
  let now = 1_000_000;
  const store = new MemoryStore(emptyData(), () => now);
  const node = (nodeId: string, ttlMs: number) => store.heartbeatNode({ nodeId, address: `http://${nodeId}:7233`, startedAt: 500_000 }, ttlMs);
  return { store, node, now: () => now, advance: (ms: number) => (now += ms) };
}

describe('describeCluster', () => {
  it('a single engine on a database without cluster records: mode single, nothing listed', async () => {
    const { store, now } = seededStore();
    const d = await describeCluster(store, now());
    assert.deepEqual(d, { mode: 'single', nodes: [], shards: [], now: now() });
    assert.deepEqual(DescribeClusterResponse.parse(d), d, 'the answer is what the operation table says it is');
  });

  it('judges nodes alive and leases held at `now`, gives each node the shards it holds, and names the shards nobody holds', async () => {
    const s = seededStore();
    await s.node('node-a', 30_000);
    await s.node('node-b', 30_000);
    await s.node('node-c', 5_000);
    for (const shard of [0, 1, 2]) assert.ok(await s.store.acquireShard(shard, 'node-a', 10_000));
    assert.ok(await s.store.acquireShard(3, 'node-b', 10_000));
    assert.ok(await s.store.acquireShard(4, 'node-c', 2_000));
    s.advance(3_000);
    // node-c's lease of shard 4 ended: node-b takes it over (a new token); node-a gives shard 1 up.
    const taken = await s.store.acquireShard(4, 'node-b', 10_000);
    assert.equal(taken?.token, 2);
    const one = (await s.store.listShardLeases()).find((l) => l.shardId === 1)!;
    await s.store.releaseShard(one);
    s.advance(3_000); // node-c's membership (5 s) has ended too; the others' (30 s) run

    const d = await describeCluster(s.store, s.now(), { shardCount: 8 });
    assert.deepEqual(DescribeClusterResponse.parse(d), d);
    assert.equal(d.mode, 'cluster');
    assert.equal(d.shardCount, 8);
    assert.equal(d.now, 1_006_000);
    assert.deepEqual(
      d.nodes.map((n) => [n.nodeId, n.address, n.alive, n.shards]),
      [
        ['node-a', 'http://node-a:7233', true, [0, 2]],
        ['node-b', 'http://node-b:7233', true, [3, 4]],
        ['node-c', 'http://node-c:7233', false, []],
      ],
    );
    assert.deepEqual(
      d.nodes.map((n) => [n.startedAt, n.heartbeatAt, n.expiresAt]),
      [
        [500_000, 1_000_000, 1_030_000],
        [500_000, 1_000_000, 1_030_000],
        [500_000, 1_000_000, 1_005_000],
      ],
    );
    assert.deepEqual(
      d.shards.map((l) => [l.shardId, l.nodeId, l.token, l.held]),
      [
        [0, 'node-a', 1, true],
        [1, 'node-a', 1, false],
        [2, 'node-a', 1, true],
        [3, 'node-b', 1, true],
        [4, 'node-b', 2, true],
      ],
    );
    assert.equal(d.shards[1]!.expiresAt, 0, 'a released lease ends at 0');
    assert.deepEqual(d.unowned, [1, 5, 6, 7]);
  });

  it('a lease or a membership that ends exactly at `now` has ended (as the store decides a takeover)', async () => {
    const s = seededStore();
    await s.node('node-a', 1_000);
    await s.store.acquireShard(0, 'node-a', 1_000);
    s.advance(1_000);
    const d = await describeCluster(s.store, s.now(), { shardCount: 1 });
    assert.deepEqual([d.nodes[0]!.alive, d.shards[0]!.held, d.unowned], [false, false, [0]]);
    assert.ok(await s.store.acquireShard(0, 'node-b', 1_000), 'the store lets another node take it at that instant too');
  });

  it('the engine answers mode single with what its store records, judged on its wall clock while its workflow clock is virtual', async () => {
    const s = seededStore();
    const virtual: Clock = { now: () => 9_000_000_000, schedule: systemClock.schedule };
    const waits: Clock = { now: s.now, schedule: systemClock.schedule };
    const engine = await Engine.open(s.store, { clock: virtual, waits });
    try {
      assert.deepEqual(await validatingApi(engine).describeCluster({}), { mode: 'single', nodes: [], shards: [], now: s.now() });
      await s.node('node-a', 30_000);
      await s.store.acquireShard(0, 'node-a', 10_000);
      s.advance(1_000);
      const d = await engine.describeCluster();
      assert.equal(d.mode, 'single');
      assert.equal(d.now, s.now());
      assert.deepEqual(d.nodes.map((n) => [n.nodeId, n.alive, n.shards]), [['node-a', true, [0]]]);
      assert.equal('unowned' in d, false, 'no shard count, so no unowned list');
    } finally {
      await engine.close();
    }
  });
});
