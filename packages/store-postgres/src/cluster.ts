// Shard leases and cluster membership (the port's shard-leases.ts) on PostgreSQL. Times are the
// database's clock (clock_timestamp(), in ms), so nodes on machines whose clocks disagree still
// agree on when a lease ends. Writes are jobs of the write batcher, committed in order with
// every other mutation; a batch's fences are checked against rows it locks FOR SHARE, so a
// takeover (an UPDATE of the same row) waits for a batch in flight, and no write fenced with the
// old token can commit after it.
import { FencedOffError, type Fence, type NodeRecord, type ShardLease } from '@endure/storage';
import { query, type Sql, type TxSql } from './connect.js';

/** The database's time in ms. */
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::float8`;

interface LeaseRow {
  shard_id: number;
  node_id: string;
  token: string | number;
  expires_at: number;
}
interface NodeRow {
  node_id: string;
  address: string;
  started_at: number;
  heartbeat_at: number;
  expires_at: number;
}

const lease = (r: LeaseRow): ShardLease => ({ shardId: r.shard_id, nodeId: r.node_id, token: Number(r.token), expiresAt: r.expires_at });
const node = (r: NodeRow): NodeRecord => ({ nodeId: r.node_id, address: r.address, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, expiresAt: r.expires_at });

function checkLeaseArgs(shardId: number, ms: number, what: string): void {
  if (!Number.isInteger(shardId) || shardId < 0 || shardId > 2 ** 31 - 1) throw new RangeError(`${what}: shardId must be a non-negative integer, got ${shardId}`);
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`${what}: the lease length must be a non-negative number of ms, got ${ms}`);
}

export function acquireShardJob(shardId: number, nodeId: string, leaseMs: number) {
  checkLeaseArgs(shardId, leaseMs, 'acquireShard');
  return async (tx: TxSql): Promise<ShardLease | undefined> => {
    const [row] = await query<LeaseRow[]>(
      tx,
      `INSERT INTO shard_leases AS l (shard_id, node_id, token, expires_at) VALUES ($1, $2, 1, ${NOW_MS} + $3)
       ON CONFLICT (shard_id) DO UPDATE
         SET node_id = EXCLUDED.node_id,
             token = CASE WHEN l.node_id = EXCLUDED.node_id THEN l.token ELSE l.token + 1 END,
             expires_at = EXCLUDED.expires_at
         WHERE l.node_id = EXCLUDED.node_id OR l.expires_at <= ${NOW_MS}
       RETURNING *`,
      [shardId, nodeId, leaseMs],
    );
    return row && lease(row);
  };
}

export function renewShardJob(l: ShardLease, leaseMs: number) {
  checkLeaseArgs(l.shardId, leaseMs, 'renewShard');
  return async (tx: TxSql): Promise<ShardLease | undefined> => {
    const [row] = await query<LeaseRow[]>(
      tx,
      `UPDATE shard_leases SET expires_at = ${NOW_MS} + $4 WHERE shard_id = $1 AND node_id = $2 AND token = $3 RETURNING *`,
      [l.shardId, l.nodeId, l.token, leaseMs],
    );
    return row && lease(row);
  };
}

export function releaseShardJob(l: ShardLease) {
  checkLeaseArgs(l.shardId, 0, 'releaseShard');
  return async (tx: TxSql): Promise<void> => {
    await query(tx, `UPDATE shard_leases SET expires_at = 0 WHERE shard_id = $1 AND node_id = $2 AND token = $3`, [l.shardId, l.nodeId, l.token]);
  };
}

export function heartbeatNodeJob(n: { nodeId: string; address: string; startedAt: number }, ttlMs: number) {
  return async (tx: TxSql): Promise<NodeRecord> => {
    const [row] = await query<NodeRow[]>(
      tx,
      `INSERT INTO cluster_nodes AS n (node_id, address, started_at, heartbeat_at, expires_at)
       SELECT $1, $2, $3, t.now, t.now + $4 FROM (SELECT ${NOW_MS} AS now) t
       ON CONFLICT (node_id) DO UPDATE SET address = EXCLUDED.address, started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.heartbeat_at + $4
       RETURNING *`,
      [n.nodeId, n.address, n.startedAt, ttlMs],
    );
    return node(row!);
  };
}

export function removeNodeJob(nodeId: string) {
  return async (tx: TxSql): Promise<void> => {
    await query(tx, `DELETE FROM cluster_nodes WHERE node_id = $1`, [nodeId]);
  };
}

export async function listShardLeases(sql: Sql): Promise<ShardLease[]> {
  return (await query<LeaseRow[]>(sql, `SELECT * FROM shard_leases ORDER BY shard_id`, [])).map(lease);
}

export async function listNodes(sql: Sql): Promise<NodeRecord[]> {
  return (await query<NodeRow[]>(sql, `SELECT * FROM cluster_nodes ORDER BY node_id COLLATE "C"`, [])).map(node);
}

/**
 * The current tokens of the shards `fences` name, read with FOR SHARE so no takeover commits
 * before this transaction does. Shards never leased are absent.
 */
export async function lockedTokens(tx: TxSql, fences: readonly Fence[]): Promise<Map<number, number>> {
  if (fences.length === 0) return new Map();
  const ids = [...new Set(fences.map((f) => f.shardId))];
  const rows = await query<{ shard_id: number; token: string | number }[]>(tx, `SELECT shard_id, token FROM shard_leases WHERE shard_id = ANY($1::int[]) FOR SHARE`, [ids]);
  return new Map(rows.map((r) => [r.shard_id, Number(r.token)]));
}

/** Refuses a plan whose fence is not its shard's current token. */
export function checkFence(fence: Fence | undefined, tokens: Map<number, number>): void {
  if (fence && tokens.get(fence.shardId) !== fence.token) throw new FencedOffError(fence, tokens.get(fence.shardId));
}
