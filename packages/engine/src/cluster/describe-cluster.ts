// `describeCluster`: membership and shard ownership as the store records them, judged at one
// instant. Works on any deployment: a single engine answers 'single' with whatever the store
// lists (usually nothing); a node of a cluster passes its shard count, so the shards nobody
// holds can be named.
import type { ClusterNode, ClusterShard, DescribeClusterResponse } from '@endure/protocol';
import type { Store } from '@endure/storage';

/** What the answering engine knows of the cluster it belongs to (absent: it owns the database alone). */
export interface ClusterSettings {
  shardCount: number;
}

/**
 * Reads the nodes and leases and judges each against `now`. The store keeps lease and node
 * times on its own clock (PostgreSQL's, for a shared database) but the port has no read of that
 * clock, so the caller passes its own: a node whose clock runs ahead of the database's reports
 * leases and nodes as ended up to that much early. Ownership never depends on this answer (the
 * store's fencing decides it); it is for people and dashboards.
 */
export async function describeCluster(store: Pick<Store, 'listNodes' | 'listShardLeases'>, now: number, cluster?: ClusterSettings): Promise<DescribeClusterResponse> {
  const [records, leases] = await Promise.all([store.listNodes(), store.listShardLeases()]);
  const shards: ClusterShard[] = leases.map((l) => ({ shardId: l.shardId, nodeId: l.nodeId, token: l.token, expiresAt: l.expiresAt, held: l.expiresAt > now }));
  const heldBy = new Map<string, number[]>();
  for (const s of shards) if (s.held) heldBy.set(s.nodeId, [...(heldBy.get(s.nodeId) ?? []), s.shardId]);
  const nodes: ClusterNode[] = records.map((n) => ({
    nodeId: n.nodeId,
    address: n.address,
    startedAt: n.startedAt,
    heartbeatAt: n.heartbeatAt,
    expiresAt: n.expiresAt,
    alive: n.expiresAt > now,
    shards: (heldBy.get(n.nodeId) ?? []).sort((a, b) => a - b),
  }));
  if (!cluster) return { mode: 'single', nodes, shards, now };
  const held = new Set(shards.filter((s) => s.held).map((s) => s.shardId));
  const unowned = Array.from({ length: cluster.shardCount }, (_, i) => i).filter((id) => !held.has(id));
  return { mode: 'cluster', shardCount: cluster.shardCount, nodes, shards, unowned, now };
}
