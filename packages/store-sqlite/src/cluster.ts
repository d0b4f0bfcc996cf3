// The store thread's side of shard leases and cluster membership (the port's shard-leases.ts).
// A SQLite file has one owner, so a cluster never runs on one; these tables exist so the port is
// the same on every store, and so a database moved to PostgreSQL carries its leases' tokens.
// Writes are plans the write batcher commits in order with every other mutation; times are
// this process's clock when the batch applies them.
import type Database from 'better-sqlite3';
import { FencedOffError, type Fence, type NodeRecord, type ShardLease } from '@endure/storage';

export type ClusterReadOp = { op: 'listShardLeases' } | { op: 'listNodes' };

export type ClusterPlan =
  | { kind: 'acquireShard'; shardId: number; nodeId: string; leaseMs: number }
  | { kind: 'renewShard'; lease: ShardLease; leaseMs: number }
  | { kind: 'releaseShard'; lease: ShardLease }
  | { kind: 'heartbeatNode'; node: { nodeId: string; address: string; startedAt: number }; ttlMs: number }
  | { kind: 'removeNode'; nodeId: string };

const KINDS = new Set<string>(['acquireShard', 'renewShard', 'releaseShard', 'heartbeatNode', 'removeNode']);
export const isClusterPlan = (p: { kind: string }): p is ClusterPlan => KINDS.has(p.kind);

interface LeaseRow {
  shard_id: number;
  node_id: string;
  token: number;
  expires_at: number;
}
interface NodeRow {
  node_id: string;
  address: string;
  started_at: number;
  heartbeat_at: number;
  expires_at: number;
}

const lease = (r: LeaseRow): ShardLease => ({ shardId: r.shard_id, nodeId: r.node_id, token: r.token, expiresAt: r.expires_at });
const node = (r: NodeRow): NodeRecord => ({ nodeId: r.node_id, address: r.address, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, expiresAt: r.expires_at });

export class ClusterTables {
  private readonly getLease: Database.Statement<[number], LeaseRow>;
  private readonly putLease: Database.Statement<[LeaseRow]>;
  private readonly listLeases: Database.Statement<[], LeaseRow>;
  private readonly putNode: Database.Statement<[NodeRow]>;
  private readonly listNodeRows: Database.Statement<[], NodeRow>;
  private readonly deleteNode: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.getLease = db.prepare('SELECT * FROM shard_leases WHERE shard_id = ?');
    this.putLease = db.prepare('INSERT OR REPLACE INTO shard_leases (shard_id, node_id, token, expires_at) VALUES (@shard_id, @node_id, @token, @expires_at)');
    this.listLeases = db.prepare('SELECT * FROM shard_leases ORDER BY shard_id');
    this.putNode = db.prepare(
      'INSERT OR REPLACE INTO cluster_nodes (node_id, address, started_at, heartbeat_at, expires_at) VALUES (@node_id, @address, @started_at, @heartbeat_at, @expires_at)',
    );
    this.listNodeRows = db.prepare('SELECT * FROM cluster_nodes ORDER BY node_id');
    this.deleteNode = db.prepare('DELETE FROM cluster_nodes WHERE node_id = ?');
  }

  /** Refuses a mutation whose fence is not its shard's current token (called inside its savepoint). */
  checkFence(fence: Fence | undefined): void {
    if (!fence) return;
    const current = this.getLease.get(fence.shardId)?.token;
    if (current !== fence.token) throw new FencedOffError(fence, current);
  }

  read(r: ClusterReadOp): unknown {
    switch (r.op) {
      case 'listShardLeases':
        return this.listLeases.all().map(lease);
      case 'listNodes':
        return this.listNodeRows.all().map(node);
    }
  }

  apply(p: ClusterPlan): unknown {
    const now = Date.now();
    switch (p.kind) {
      case 'acquireShard': {
        const held = this.getLease.get(p.shardId);
        if (held && held.node_id !== p.nodeId && held.expires_at > now) return undefined;
        const token = held?.node_id === p.nodeId ? held.token : (held?.token ?? 0) + 1;
        const row = { shard_id: p.shardId, node_id: p.nodeId, token, expires_at: now + p.leaseMs };
        this.putLease.run(row);
        return lease(row);
      }
      case 'renewShard': {
        const held = this.getLease.get(p.lease.shardId);
        if (!held || held.node_id !== p.lease.nodeId || held.token !== p.lease.token) return undefined;
        const row = { ...held, expires_at: now + p.leaseMs };
        this.putLease.run(row);
        return lease(row);
      }
      case 'releaseShard': {
        const held = this.getLease.get(p.lease.shardId);
        if (held && held.node_id === p.lease.nodeId && held.token === p.lease.token) this.putLease.run({ ...held, expires_at: 0 });
        return undefined;
      }
      case 'heartbeatNode': {
        const row = { node_id: p.node.nodeId, address: p.node.address, started_at: p.node.startedAt, heartbeat_at: now, expires_at: now + p.ttlMs };
        this.putNode.run(row);
        return node(row);
      }
      case 'removeNode':
        this.deleteNode.run(p.nodeId);
        return undefined;
    }
  }
}
