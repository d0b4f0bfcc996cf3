// A cluster node's writes that fail (what their callers are told: write-error.ts), and effects
// that reach other nodes. A single engine stops at
// a failed write (memory is ahead of disk, EngineCore.fail); a cluster node gives up only the
// shard of the run it wrote, whose memory is then dropped and reloaded by the shard's next owner
// — this node or another — from what the store holds.
import { FencedOffError, StoredDataCorruptError, type RunKey } from '@endure/storage';
import type { EngineCore } from '../engine-core.js';
import type { RunActions } from '../run-actions.js';
import { ShardNotOwnedError } from './owned-shards.js';
import { dropShard } from './shard-handover.js';

/** A write (or a read it cannot do without) of the run failed: a single engine stops; a cluster node gives the run's shard up. */
export function giveUpAfterStorageFailure(core: EngineCore, key: RunKey, err: unknown): void {
  const shards = core.shards;
  if (!shards || err instanceof StoredDataCorruptError) return core.fail(err);
  const shardId = err instanceof FencedOffError ? err.fence.shardId : shards.shardOf(key.namespace, key.workflowId);
  if (!shards.owns(shardId)) return;
  const why = err instanceof FencedOffError ? err.message : `a write failed: ${err instanceof Error ? err.message : String(err)}`;
  void dropShard(core, shardId);
  core.cluster?.onShardLost?.(shardId, why);
}

/** Where an effect on the runs of `workflowId` goes: this engine, or the node owning their shard. */
export function runActionsFor(core: EngineCore, namespace: string, workflowId: string): RunActions {
  const local = core.local!;
  const shards = core.shards;
  if (!shards || shards.ownsRun({ namespace, workflowId })) return local;
  const shardId = shards.shardOf(namespace, workflowId);
  const peer = core.cluster!.peer(shardId);
  if (!peer) throw new ShardNotOwnedError(shardId, `workflow '${workflowId}' of namespace '${namespace}'`);
  return peer;
}
