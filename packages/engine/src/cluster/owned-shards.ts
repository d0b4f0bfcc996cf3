// The shards of the runs this engine may write, each with the fence of the lease it holds it
// under. A single engine (no cluster) has no OwnedShards: it owns every run. In a cluster the
// node's lease keeper hands shards in (adopt) and takes them away (drop); a run of a shard not
// here is another node's, and touching it is refused as retryable, so the caller (or the server
// routing for it) goes to the owner.
import { ApiError, shardOf } from '@endure/protocol';
import type { Fence, RunKey } from '@endure/storage';

/** A run of a shard this engine does not own (any more, or yet): the caller should go to its owner. */
export class ShardNotOwnedError extends ApiError {
  constructor(
    readonly shardId: number,
    what: string,
  ) {
    super('UNAVAILABLE', `${what} is in shard ${shardId}, which this node does not own (it moved, or is being taken over); retry, and the request goes to its owner`, { shardId });
  }
}

export class OwnedShards {
  private readonly fences = new Map<number, Fence>();

  constructor(readonly shardCount: number) {
    if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 65_536) throw new RangeError(`cluster shardCount must be an integer from 1 to 65536, got ${shardCount}`);
  }

  shardOf(namespace: string, workflowId: string): number {
    return shardOf(namespace, workflowId, this.shardCount);
  }

  owns(shardId: number): boolean {
    return this.fences.has(shardId);
  }

  ownsRun(key: Pick<RunKey, 'namespace' | 'workflowId'>): boolean {
    return this.fences.has(this.shardOf(key.namespace, key.workflowId));
  }

  /** The fence every write of the run carries; refused when the run's shard is not here. */
  fenceOf(key: Pick<RunKey, 'namespace' | 'workflowId'>): Fence {
    const shardId = this.shardOf(key.namespace, key.workflowId);
    const fence = this.fences.get(shardId);
    if (!fence) throw new ShardNotOwnedError(shardId, `workflow '${key.workflowId}' of namespace '${key.namespace}'`);
    return fence;
  }

  add(fence: Fence): void {
    if (fence.shardId < 0 || fence.shardId >= this.shardCount) throw new RangeError(`shard ${fence.shardId} is outside 0..${this.shardCount - 1}`);
    this.fences.set(fence.shardId, { shardId: fence.shardId, token: fence.token });
  }

  /** Forgets a shard; true if it was here. */
  delete(shardId: number): boolean {
    return this.fences.delete(shardId);
  }

  /** The shard ids held, ascending. */
  ids(): number[] {
    return [...this.fences.keys()].sort((a, b) => a - b);
  }
}
