// What a request waiting on a failed write is told on a cluster node. A single engine passes the
// store's error on (it stops, and its supervisor restarts it); a cluster node carries on without
// the run's shard, so the caller is told to retry — UNAVAILABLE, not an internal error: at the
// shard's new owner when the write was fenced off (nothing was applied), and with the same
// request id otherwise (the commit may have landed: an ambiguous failure).
import { ApiError } from '@endure/protocol';
import { FencedOffError, StoredDataCorruptError, type RunKey } from '@endure/storage';
import { ShardNotOwnedError } from './owned-shards.js';

export function clusterWriteError(key: Pick<RunKey, 'namespace' | 'workflowId'>, err: unknown): unknown {
  if (err instanceof ApiError || err instanceof StoredDataCorruptError) return err;
  const what = `workflow '${key.workflowId}' of namespace '${key.namespace}'`;
  if (err instanceof FencedOffError) return new ShardNotOwnedError(err.fence.shardId, what);
  const why = err instanceof Error ? err.message : String(err);
  return new ApiError('UNAVAILABLE', `a write of ${what} failed (${why}), so this node gave up its shard; the change may or may not have been applied: resend it with the same requestId`, {
    retryable: true,
    ambiguous: true,
  });
}

/** A run write as the requests waiting on it see it: a failure told as `clusterWriteError` says. */
export function toldOfWrite(key: Pick<RunKey, 'namespace' | 'workflowId'>, written: Promise<void>): Promise<void> {
  const told = written.catch((err: unknown) => {
    throw clusterWriteError(key, err);
  });
  told.catch(() => {}); // some callers fire and forget; the failure itself is handled by giveUpAfterStorageFailure
  return told;
}
