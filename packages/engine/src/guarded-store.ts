// The store as the engine uses it: damage a read finds (StoredDataCorruptError) is never served.
// The caller gets DATA_LOSS naming the file and the fix, and the engine stops, as after a failed
// write: it must not go on accepting work into a damaged file, and its health says so.
import { ApiError } from '@endure/protocol';
import { StoredDataCorruptError, type Store } from '@endure/storage';

export function guardStore(store: Store, onDamage: (err: StoredDataCorruptError) => void, readsRetryable = false): Store {
  const refuse = (err: unknown, read: boolean): never => {
    if (err instanceof StoredDataCorruptError) {
      onDamage(err);
      throw new ApiError('DATA_LOSS', err.message);
    }
    // A cluster node outlives a database that is down a moment (a restart, a failover): a read
    // that failed changed nothing, and the caller may try again.
    if (read && readsRetryable && !(err instanceof ApiError)) {
      throw new ApiError('UNAVAILABLE', `the database could not be read (${err instanceof Error ? err.message : String(err)}); retry shortly`, { retryable: true });
    }
    throw err;
  };
  const guarded = {} as Record<string, unknown>;
  for (const name of Object.keys(METHODS) as (keyof Store)[]) {
    const method = store[name] as (...args: unknown[]) => Promise<unknown>;
    const read = METHODS[name] === 'read';
    guarded[name] = (...args: unknown[]) => method.apply(store, args).catch((err: unknown) => refuse(err, read));
  }
  return guarded as unknown as Store;
}

/** Every method of the port, and whether it only reads (a compile error here means a new one must be listed). */
const METHODS: Record<keyof Store, 'read' | 'write'> = {
  createWorkflow: 'write',
  importRun: 'write',
  updateWorkflow: 'write',
  getWorkflow: 'read',
  getCurrentRun: 'read',
  readHistory: 'read',
  listTimers: 'read',
  listTasks: 'read',
  listWorkflows: 'read',
  countWorkflows: 'read',
  putNamespace: 'write',
  getNamespace: 'read',
  listNamespaces: 'read',
  getTokenKeys: 'read',
  putTokenKeys: 'write',
  putApiKey: 'write',
  listApiKeys: 'read',
  deleteApiKey: 'write',
  deleteClosedRuns: 'write',
  acquireShard: 'write',
  renewShard: 'write',
  releaseShard: 'write',
  listShardLeases: 'read',
  heartbeatNode: 'write',
  listNodes: 'read',
  removeNode: 'write',
  close: 'write',
};
