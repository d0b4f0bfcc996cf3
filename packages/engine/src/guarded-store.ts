// The store as the engine uses it: damage a read finds (StoredDataCorruptError) is never served.
// The caller gets DATA_LOSS naming the file and the fix, and the engine stops, as after a failed
// write: it must not go on accepting work into a damaged file, and its health says so.
import { ApiError } from '@endure/protocol';
import { StoredDataCorruptError, type Store } from '@endure/storage';

export function guardStore(store: Store, onDamage: (err: StoredDataCorruptError) => void): Store {
  const refuse = (err: unknown): never => {
    if (!(err instanceof StoredDataCorruptError)) throw err;
    onDamage(err);
    throw new ApiError('DATA_LOSS', err.message);
  };
  const guarded = {} as Record<string, unknown>;
  for (const name of Object.keys(METHODS) as (keyof Store)[]) {
    const method = store[name] as (...args: unknown[]) => Promise<unknown>;
    guarded[name] = (...args: unknown[]) => method.apply(store, args).catch(refuse);
  }
  return guarded as unknown as Store;
}

/** Every method of the port (a compile error here means a new one must be listed). */
const METHODS: Record<keyof Store, true> = {
  createWorkflow: true,
  importRun: true,
  updateWorkflow: true,
  getWorkflow: true,
  getCurrentRun: true,
  readHistory: true,
  listTimers: true,
  listTasks: true,
  listWorkflows: true,
  countWorkflows: true,
  putNamespace: true,
  getNamespace: true,
  listNamespaces: true,
  getTokenKeys: true,
  putTokenKeys: true,
  putApiKey: true,
  listApiKeys: true,
  deleteApiKey: true,
  deleteClosedRuns: true,
  acquireShard: true,
  renewShard: true,
  releaseShard: true,
  listShardLeases: true,
  heartbeatNode: true,
  listNodes: true,
  removeNode: true,
  close: true,
};
