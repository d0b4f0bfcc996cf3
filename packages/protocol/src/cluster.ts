// What `describeCluster` answers: the nodes the store knows, which shard each holds, and which
// shards nobody holds. Times are ms since the epoch, like the rest of the API.
import { z } from 'zod';

/** A node as it last announced itself, and the shards it holds now. */
export const ClusterNode = z.object({
  nodeId: z.string(),
  /** Where other nodes and clients reach it (its API's base URL). */
  address: z.string(),
  startedAt: z.number(),
  /** Its last announcement, and until when that counts as alive. */
  heartbeatAt: z.number(),
  expiresAt: z.number(),
  /** `expiresAt` is after `now`: it announced itself recently enough to count as a member. */
  alive: z.boolean(),
  /** The shards whose lease it holds at `now`, ascending. */
  shards: z.array(z.number().int()),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

/** A shard's lease, as last granted (a released lease has expiresAt 0). */
export const ClusterShard = z.object({
  shardId: z.number().int(),
  /** The node the lease was last granted to (it may have ended since: see `held`). */
  nodeId: z.string(),
  /** The fencing token: it goes up by one each time the shard changes hands. */
  token: z.number().int(),
  expiresAt: z.number(),
  /** The lease runs at `now`: `nodeId` owns the shard, and no other node may take it. */
  held: z.boolean(),
});
export type ClusterShard = z.infer<typeof ClusterShard>;

/**
 * The cluster as the store records it. 'single': one engine owns the whole database (no shards
 * are leased; the lists are whatever the store holds, usually nothing). 'cluster': the answering
 * node runs with `shardCount` shards, so the shards nobody holds can be named (`unowned`).
 */
export const DescribeClusterResponse = z.object({
  mode: z.enum(['single', 'cluster']),
  /** How many shards the runs are split into; only in cluster mode. */
  shardCount: z.number().int().optional(),
  /** Every node recorded and not removed, alive or not, by node id. */
  nodes: z.array(ClusterNode),
  /** Every shard ever leased, by shard id. */
  shards: z.array(ClusterShard),
  /** The shards below `shardCount` whose lease does not run at `now` (none has one, or it ended); only in cluster mode. */
  unowned: z.array(z.number().int()).optional(),
  /** The time `alive` and `held` were judged at. */
  now: z.number(),
});
export type DescribeClusterResponse = z.infer<typeof DescribeClusterResponse>;
