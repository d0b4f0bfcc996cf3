// A cluster node's writes that fail, and effects that reach other nodes. A single engine stops at
// a failed write (memory is ahead of disk, EngineCore.fail); a cluster node gives up only the
// shard of the run it wrote, whose memory is then dropped and reloaded by the shard's next owner
// — this node or another — from what the store holds.
import { ApiError } from '@endure/protocol';
import { FencedOffError, StoredDataCorruptError, type RunKey } from '@endure/storage';
import type { EngineCore } from '../engine-core.js';
import type { RunActions } from '../run-actions.js';
import { ShardNotOwnedError } from './owned-shards.js';
import { dropShard } from './shard-handover.js';

/**
 * What the caller of a cluster node's failed write is told: a write fenced off was not applied
 * (retryable: the run's new owner takes it); any other failure may or may not have been
 * (retryable only as a resend with the same request id, which the client does).
 */
export function writeErrorFor(core: EngineCore, key: RunKey, err: unknown): unknown {
  if (!core.shards || err instanceof ApiError) return err;
  if (err instanceof FencedOffError) return new ShardNotOwnedError(err.fence.shardId, `workflow '${key.workflowId}' of namespace '${key.namespace}'`);
  const why = err instanceof Error ? err.message : String(err);
  return new ApiError('UNAVAILABLE', `the write for workflow '${key.workflowId}' failed (${why}); it may or may not have been applied: resend it with the same requestId`, { retryable: true, ambiguous: true });
}

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
