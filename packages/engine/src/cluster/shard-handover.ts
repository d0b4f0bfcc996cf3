// A cluster node taking a shard on and giving it up. The engine keeps the memory-first design per
// shard: while it owns a shard, its runs live in memory and are written through, fenced by the
// lease; when the shard moves, everything the node holds of it is dropped, and the next owner
// starts from the store exactly as a restarted single engine would (recovery, one shard at a time).
import type { Fence, TaskRow } from '@endure/storage';
import type { EngineCore } from '../engine-core.js';

/**
 * Starts owning shards: offers their stored tasks and arms their near timers. A run of these
 * shards that a request loads meanwhile is read from the store, as after a restart.
 */
export async function adoptShards(core: EngineCore, fences: Fence[]): Promise<void> {
  const shards = core.shards;
  if (!shards) throw new Error('adoptShards: this engine is not a cluster node (no cluster option)');
  const fresh = fences.filter((f) => !shards.owns(f.shardId));
  for (const f of fresh) shards.add(f);
  if (fresh.length === 0) return;
  const ids = new Set(fresh.map((f) => f.shardId));
  const mine = (row: Pick<TaskRow, 'namespace' | 'workflowId'>) => ids.has(shards.shardOf(row.namespace, row.workflowId)) && shards.owns(shards.shardOf(row.namespace, row.workflowId));
  await core.offerStoredTasks(mine);
  // Every timer due within the horizon, once: the periodic scan arms the later ones as they come near.
  const rows = await core.store.listTimers(core.timerHorizon(), Number.MAX_SAFE_INTEGER);
  for (const t of rows) if (mine(t)) core.armTimer(t);
}

/**
 * Stops owning a shard: its runs leave memory (a copy still held by a caller is marked retired,
 * so it is never written again), its tasks leave the queues and its deadlines the timer queue;
 * waiters on its runs are woken and told to go to the new owner. Resolves when the writes it had
 * in flight have settled: a graceful hand-over waits for that before releasing the lease.
 */
export function dropShard(core: EngineCore, shardId: number): Promise<void> {
  const shards = core.shards;
  if (!shards?.delete(shardId)) return Promise.resolve();
  const inShard = (namespace: string | undefined, workflowId: string | undefined) =>
    namespace !== undefined && workflowId !== undefined && shards.shardOf(namespace, workflowId) === shardId;
  const retired = core.retireRunsWhere((run) => inShard(run.record.namespace, run.record.workflowId));
  core.matching.dropWhere((ref) => inShard(ref.namespace, ref.workflowId));
  // Every deadline's key is `<kind>\0<namespace>\0<workflowId>\0…` (a prefix, then runKeyString).
  core.timers.deleteWhere((key) => {
    const [, namespace, workflowId] = key.split('\u0000');
    return inShard(namespace, workflowId);
  });
  return Promise.allSettled(retired.map((r) => r.lastCommit)).then(() => {});
}
