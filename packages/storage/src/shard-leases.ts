// The part of the storage port a cluster of engines coordinates through: which node owns which
// shard of the runs (a lease, renewed while the node lives), and the fencing token that makes a
// write of a node that lost its shard fail instead of landing beside the new owner's.
//
// Why fencing, not just leases: a node can pause (GC, a stopped VM, a slow disk) past its lease's
// end and then carry on as if it still owned the shard. Its lease expiring cannot stop writes it
// already decided on; the store can. Every mutation of a shard's runs carries the token of the
// lease it was made under, and the store applies it only while that token is the shard's
// current one, in the same atomic step as the write. Taking a shard over increments the token,
// so from that moment on nothing the old owner sends can land.

/** Carried by a mutation made under a shard lease: applied only while `token` is the shard's. */
export interface Fence {
  shardId: number;
  token: number;
}

/** A shard's lease: which node may write that shard's runs, until when, under which token. */
export interface ShardLease extends Fence {
  nodeId: string;
  /** When the lease ends unless renewed, in ms on the store's clock. A released lease has 0. */
  expiresAt: number;
}

/** A node of the cluster, as it last announced itself. */
export interface NodeRecord {
  nodeId: string;
  /** Where other nodes and clients reach it (its API's base URL). */
  address: string;
  startedAt: number;
  /** When it last announced itself, and until when that counts as alive (store's clock, ms). */
  heartbeatAt: number;
  expiresAt: number;
}

/**
 * Lease and membership operations. Durable and ordered with every other mutation; the times
 * are the store's own clock (PostgreSQL's, for a database several machines share), so the nodes'
 * clocks need not agree.
 */
export interface ShardLeases {
  /**
   * Takes shard `shardId` for `nodeId` for `leaseMs` when no node holds it, its lease has ended,
   * or `nodeId` holds it already (then it is renewed, with the same token). Taking it from
   * another node (or for the first time) gives a token one above the shard's last. Resolves
   * undefined while another node's lease runs.
   */
  acquireShard(shardId: number, nodeId: string, leaseMs: number): Promise<ShardLease | undefined>;
  /**
   * Extends a lease for `leaseMs` from now if it is still the shard's (same node and token —
   * also after it ended, as long as nobody took the shard since); undefined if it was taken.
   */
  renewShard(lease: ShardLease, leaseMs: number): Promise<ShardLease | undefined>;
  /** Gives a shard up at once, so another node takes it without waiting for the lease to end. A lease no longer held is a no-op. */
  releaseShard(lease: ShardLease): Promise<void>;
  /** Every shard that has ever been leased, by shard id. */
  listShardLeases(): Promise<ShardLease[]>;
  /** Records that a node is alive until `ttlMs` from now (creating its record the first time). */
  heartbeatNode(node: { nodeId: string; address: string; startedAt: number }, ttlMs: number): Promise<NodeRecord>;
  /** Every node recorded and not removed, alive or not (compare expiresAt with the store's clock), by node id. */
  listNodes(): Promise<NodeRecord[]>;
  removeNode(nodeId: string): Promise<void>;
}

/**
 * A mutation carried a fence whose token is no longer the shard's: another node took the shard
 * over. Nothing of the mutation was applied; the node must drop what it holds of that shard.
 */
export class FencedOffError extends Error {
  override name = 'FencedOffError';
  constructor(
    readonly fence: Fence,
    readonly currentToken: number | undefined,
  ) {
    super(
      `shard ${fence.shardId} was taken over (token ${currentToken ?? 'none'}, this write carried ${fence.token}); the write was not applied`,
    );
  }
}
