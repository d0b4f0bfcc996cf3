// `endure cluster describe` against real server processes: on a database with no cluster records,
// and on one whose nodes and shard leases were written through the store's own calls (a live
// node holding shards 0-3, a node whose membership and lease have ended), as a table and as JSON;
// then the same file opened in the CLI's process (`--address sqlite:`). The cluster-mode summary
// (shard count, unowned shards) is rendered from an answer built here, until a server runs as a
// node of a cluster.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DescribeClusterResponse } from '@endure/protocol';
import { SqliteStore } from '@endure/store-sqlite';
import { age, printCluster, shardRanges } from '../src/cli/commands/cluster.js';
import { endure, json, startDevServer, tempDir } from './fixtures/cli-harness.js';

const HOUR = 3_600_000;

/** What `fn` writes to stdout, in this process. */
function captured(fn: () => void): string {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('endure cluster describe', () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  it('a server on a database without cluster records says it is a single engine', async () => {
    const server = await startDevServer(['--db', join(tmp.dir, 'single.db')]);
    try {
      const table = await endure(['--address', server.url, 'cluster', 'describe']);
      assert.equal(table.code, 0, table.stderr);
      assert.equal(table.stdout.trim(), 'Single engine: it owns the whole database; no cluster nodes or shard leases are recorded.');
      const doc = json<DescribeClusterResponse>(await endure(['--address', server.url, 'cluster', 'describe', '-o', 'json']));
      assert.deepEqual({ ...doc, now: 0 }, { mode: 'single', nodes: [], shards: [], now: 0 });
      assert.ok(Math.abs(doc.now - Date.now()) < HOUR, 'now is the server’s time in ms since the epoch');
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }
  });

  it('lists the recorded nodes with the shards each holds, alive or not, as a table and as JSON; the same from the file in process', async () => {
    const db = join(tmp.dir, 'nodes.db');
    const store = await SqliteStore.open(db);
    const startedAt = Date.now() - 90_000;
    await store.heartbeatNode({ nodeId: 'node-a', address: 'http://10.0.0.1:7233', startedAt }, HOUR);
    // Membership and lease of 0 ms: ended by the time anything reads them.
    await store.heartbeatNode({ nodeId: 'node-b', address: 'http://10.0.0.2:7233', startedAt }, 0);
    for (const shard of [0, 1, 2, 3]) assert.ok(await store.acquireShard(shard, 'node-a', HOUR));
    assert.ok(await store.acquireShard(4, 'node-b', 0));
    await store.close();

    const server = await startDevServer(['--db', db]);
    try {
      const table = await endure(['--address', server.url, 'cluster', 'describe']);
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trimEnd().split('\n');
      assert.equal(lines[0], 'Single engine; the database records 2 cluster node(s), 1 alive.');
      assert.match(lines[2]!, /^NODE\s+ADDRESS\s+ALIVE\s+SHARDS\s+HELD\s+LAST HEARTBEAT$/);
      assert.match(lines[3]!, /^node-a\s+http:\/\/10\.0\.0\.1:7233\s+yes\s+4\s+0-3\s+\d+(\.\d)?(ms|s|m) ago$/);
      assert.match(lines[4]!, /^node-b\s+http:\/\/10\.0\.0\.2:7233\s+no\s+0\s+\d+(\.\d)?(ms|s|m) ago$/);
      assert.equal(lines.at(-1), 'Shard leases: 5, 4 held.');

      const doc = json<DescribeClusterResponse>(await endure(['--address', server.url, 'cluster', 'describe', '-o', 'json']));
      assert.equal(doc.mode, 'single');
      assert.deepEqual(
        doc.nodes.map((n) => [n.nodeId, n.address, n.alive, n.shards, n.startedAt]),
        [
          ['node-a', 'http://10.0.0.1:7233', true, [0, 1, 2, 3], startedAt],
          ['node-b', 'http://10.0.0.2:7233', false, [], startedAt],
        ],
      );
      assert.deepEqual(doc.shards.map((s) => [s.shardId, s.nodeId, s.token, s.held]), [
        [0, 'node-a', 1, true],
        [1, 'node-a', 1, true],
        [2, 'node-a', 1, true],
        [3, 'node-a', 1, true],
        [4, 'node-b', 1, false],
      ]);
      assert.equal('unowned' in doc, false);
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }

    const inProcess = json<DescribeClusterResponse>(await endure(['--address', `sqlite:${db}`, 'cluster', 'describe', '-o', 'json']));
    assert.deepEqual(inProcess.nodes.map((n) => [n.nodeId, n.alive, n.shards.length]), [['node-a', true, 4], ['node-b', false, 0]]);
  });

  it('in cluster mode, sums up the shards: how many, how many held, which nobody holds, and leases of nodes no longer recorded', () => {
    const now = 1_000_000_000;
    const d: DescribeClusterResponse = {
      mode: 'cluster',
      shardCount: 16,
      now,
      nodes: [
        { nodeId: 'n1', address: 'http://n1:7233', startedAt: 0, heartbeatAt: now - 2_500, expiresAt: now + 7_500, alive: true, shards: [0, 1, 2, 3, 4, 5, 9] },
        { nodeId: 'n2', address: 'http://n2:7233', startedAt: 0, heartbeatAt: now - 4 * 60_000, expiresAt: now - 60_000, alive: false, shards: [] },
      ],
      shards: [
        ...[0, 1, 2, 3, 4, 5, 9].map((shardId) => ({ shardId, nodeId: 'n1', token: 3, expiresAt: now + 5_000, held: true })),
        { shardId: 10, nodeId: 'gone', token: 1, expiresAt: now + 5_000, held: true },
      ],
      unowned: [6, 7, 8, 11, 12, 13, 14, 15],
    };
    const lines = captured(() => printCluster(d)).trimEnd().split('\n');
    assert.equal(lines[0], 'Cluster: 2 node(s), 1 alive.');
    assert.match(lines[3]!, /^n1\s+http:\/\/n1:7233\s+yes\s+7\s+0-5, 9\s+2\.5s ago$/);
    assert.match(lines[4]!, /^n2\s+http:\/\/n2:7233\s+no\s+0\s+4m ago$/);
    assert.deepEqual(lines.slice(-2), ['Shards: 16, 8 held, 8 unowned: 6-8, 11-15.', 'Held by nodes not recorded: 10 (gone).']);
  });

  it('writes shard ids as ranges and ages coarsely', () => {
    assert.equal(shardRanges([]), '');
    assert.equal(shardRanges([7, 0, 1, 2, 5, 8, 9]), '0-2, 5, 7-9');
    assert.deepEqual([0, 800, 4_200, 42_000, 5 * 60_000 + 1, 3 * HOUR, 50 * HOUR, -5].map(age), ['0ms', '800ms', '4.2s', '42s', '5m', '3h', '2d', '0ms']);
  });
});
