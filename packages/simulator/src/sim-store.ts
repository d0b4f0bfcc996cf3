// The storage a simulated engine writes to: the reference in-memory store behind a model of a
// disk. A write is applied (and visible to reads) at once, as in a database's own transaction,
// but is *durable* only once the simulation "fsyncs" it, which is when its promise resolves: the
// engine acknowledges nothing before that. A crash keeps the durable writes and any prefix of the
// ones in flight (some may have reached the disk without their acknowledgement). A commit can
// also fail (the write is lost) or be ambiguous (the write is kept, yet the engine sees an error).
//
// Embedded (one engine), the disk and the engine are one process: `open()` gives a handle that
// dies with any crash. A cluster's database is a process of its own: each node `connect`s, a
// node's crash ends only its connection (what it sent already is the database's to keep or
// lose), and a database crash or failed commit errs the writes in flight without killing the
// nodes, which carry on with a fresh connection.
import { FencedOffError, type ApiKeyRecord, type CreateWorkflow, type Fence, type ImportRun, type NamespaceRecord, type ShardLease, type Store, type TokenKeyRecord, type UpdateWorkflow } from '@endure/storage';
import { MemoryStore, emptyData, type Data } from '@endure/storage/memory';
import { FenceAudit, type Writer } from './fence-audit.js';

type Write =
  | { kind: 'create'; c: CreateWorkflow }
  | { kind: 'update'; u: UpdateWorkflow }
  | { kind: 'import'; r: ImportRun }
  | { kind: 'namespace'; ns: NamespaceRecord }
  | { kind: 'retention'; namespace: string; closedBefore: number; limit: number }
  | { kind: 'token-keys'; keys: TokenKeyRecord[] }
  | { kind: 'api-key'; key: ApiKeyRecord }
  | { kind: 'delete-api-key'; keyId: string }
  // Lease and membership writes carry the time they were made at: replaying them after a crash
  // must give the same lease ends, whatever the clock says by then.
  | { kind: 'acquire-shard'; shardId: number; nodeId: string; leaseMs: number; at: number }
  | { kind: 'renew-shard'; lease: ShardLease; leaseMs: number; at: number }
  | { kind: 'release-shard'; lease: ShardLease; at: number }
  | { kind: 'heartbeat-node'; node: { nodeId: string; address: string; startedAt: number }; ttlMs: number; at: number }
  | { kind: 'remove-node'; nodeId: string; at: number };

interface InFlight {
  /** Index of the write in the log. */
  at: number;
  settle(err?: Error): void;
}

export class CrashedError extends Error {
  constructor(what: string) {
    super(`simulated crash: ${what}`);
  }
}

/** A node's connection to the shared database: `kill()` is the node's process dying. */
export interface SimConnection {
  store: Store;
  kill(): void;
}

/** The write with its fence taken off (a database that does not check them). */
function unfenced(w: Write): Write {
  if (w.kind === 'create') return { kind: 'create', c: { ...w.c, fence: undefined } };
  if (w.kind === 'update') return { kind: 'update', u: { ...w.u, fence: undefined } };
  return w;
}

export class SimDisk {
  /** Every write applied, in order; those below `durable` survive any crash. */
  private log: Write[] = [];
  private durable = 0;
  private inFlight: InFlight[] = [];
  data: Data = emptyData();
  /** The time of the lease write being applied: the memory store's clock. */
  private appliedAt = 0;
  private store = new MemoryStore(this.data, () => this.appliedAt);
  private epoch = 0;
  /** Run writes checked against the lease table as they are applied (cluster connections). */
  readonly audit = new FenceAudit();
  /** Run writes the store refused because their shard had been taken over. */
  fencedOff = 0;
  /** Off: the database ignores fences (to show that the audit catches what fencing prevents). */
  enforceFences = true;

  /** `now`: the simulation's clock, which lease and membership writes are stamped with. */
  constructor(private readonly now: () => number = () => 0) {}

  /** A handle for one engine instance; it stops answering when the disk "crashes" under it. */
  open(): Store {
    const epoch = ++this.epoch;
    return this.handle(() => epoch !== this.epoch, undefined);
  }

  /** A cluster node's connection, surviving database crashes; its run writes are audited as `writer`'s. */
  connect(writer: Writer): SimConnection {
    let killed = false;
    return { store: this.handle(() => killed, writer), kill: () => void (killed = true) };
  }

  private handle(isDead: () => boolean, writer: Writer | undefined): Store {
    const dead = () => (isDead() ? Promise.reject(new CrashedError('this engine instance is gone')) : undefined);
    const write = <T>(w: Write): Promise<T> => {
      const gone = dead();
      if (gone) return gone;
      const fenced = w.kind === 'create' ? { fence: w.c.fence, what: `creating ${w.c.record.workflowId}` } : w.kind === 'update' ? { fence: w.u.fence, what: `updating ${w.u.key.workflowId}` } : undefined;
      const lease = fenced?.fence && this.leaseOf(fenced.fence);
      if (!this.enforceFences) w = unfenced(w);
      let applied = this.apply(w) as Promise<T>;
      if (writer && fenced) {
        applied = applied.then(
          (value) => (this.audit.applied(fenced.what, fenced.fence, lease, writer), value),
          (err: unknown) => {
            if (err instanceof FencedOffError) this.fencedOff++;
            throw err;
          },
        );
      }
      this.log.push(structuredClone(w));
      const at = this.log.length - 1;
      return new Promise<T>((resolve, reject) => {
        applied.then(
          (value) => this.inFlight.push({ at, settle: (err) => (err ? reject(err) : resolve(value)) }),
          // Refused (a version conflict): it changed nothing, and replaying the log refuses it again.
          (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
        );
      });
    };
    const read = <T>(fn: () => Promise<T>): Promise<T> => dead() ?? fn();
    // Read `this.store` at each call: a database crash replaces it, and a cluster connection outlives that.
    const s = () => this.store;
    return {
      createWorkflow: (c) => write({ kind: 'create', c }),
      updateWorkflow: (u) => write({ kind: 'update', u }),
      importRun: (r) => write({ kind: 'import', r }),
      putNamespace: (ns) => write({ kind: 'namespace', ns }),
      deleteClosedRuns: (namespace, closedBefore, limit) => write({ kind: 'retention', namespace, closedBefore, limit }),
      putTokenKeys: (keys) => write({ kind: 'token-keys', keys }),
      putApiKey: (key) => write({ kind: 'api-key', key }),
      deleteApiKey: (keyId) => write({ kind: 'delete-api-key', keyId }),
      acquireShard: (shardId, nodeId, leaseMs) => write({ kind: 'acquire-shard', shardId, nodeId, leaseMs, at: this.now() }),
      renewShard: (lease, leaseMs) => write({ kind: 'renew-shard', lease, leaseMs, at: this.now() }),
      releaseShard: (lease) => write({ kind: 'release-shard', lease, at: this.now() }),
      heartbeatNode: (node, ttlMs) => write({ kind: 'heartbeat-node', node, ttlMs, at: this.now() }),
      removeNode: (nodeId) => write({ kind: 'remove-node', nodeId, at: this.now() }),
      listShardLeases: () => read(() => s().listShardLeases()),
      listNodes: () => read(() => s().listNodes()),
      getTokenKeys: () => read(() => s().getTokenKeys()),
      listApiKeys: () => read(() => s().listApiKeys()),
      getWorkflow: (k) => read(() => s().getWorkflow(k)),
      getCurrentRun: (n, w) => read(() => s().getCurrentRun(n, w)),
      readHistory: (k, from, limit) => read(() => s().readHistory(k, from, limit)),
      listTimers: (before, limit) => read(() => s().listTimers(before, limit)),
      listTasks: (limit, after) => read(() => s().listTasks(limit, after)),
      listWorkflows: (q) => read(() => s().listWorkflows(q)),
      countWorkflows: (n, f) => read(() => s().countWorkflows(n, f)),
      getNamespace: (n) => read(() => s().getNamespace(n)),
      listNamespaces: () => read(() => s().listNamespaces()),
      close: () => Promise.resolve(),
    } satisfies Store;
  }

  /** The shard's lease as the database holds it now (copied: the fence check happens at this moment). */
  private leaseOf(fence: Fence): ShardLease | undefined {
    const lease = this.data.shards.get(fence.shardId);
    return lease && { ...lease };
  }

  /** Writes issued but not yet durable. */
  get pending(): number {
    return this.inFlight.length;
  }

  /** A group commit: the oldest `n` writes in flight become durable and are acknowledged. */
  fsync(n: number): void {
    const done = this.inFlight.splice(0, n);
    if (done.length) this.durable = Math.max(this.durable, done[done.length - 1]!.at + 1);
    for (const w of done) w.settle();
  }

  /**
   * The oldest write in flight fails. `ambiguous`: it reached the disk anyway. Either way the
   * engine sees an error (and stops, as it must when disk and memory may differ); the simulation
   * then restarts it on what is durable.
   */
  failNext(ambiguous: boolean): void {
    const w = this.inFlight[0];
    if (!w) return;
    this.crash(ambiguous ? w.at + 1 : w.at, new Error(ambiguous ? 'simulated ambiguous commit: the write is on disk, the caller saw an error' : 'simulated failed commit: the write did not reach the disk'));
  }

  /**
   * The process dies: every write below `keep` survives (at least the durable ones), the rest are
   * lost, and the current engine instance's handle goes dead. Returns how many writes were kept.
   */
  crash(keep: number, err: Error = new CrashedError('the process was killed')): number {
    keep = Math.max(this.durable, Math.min(keep, this.log.length));
    this.epoch++;
    const unsettled = this.inFlight.splice(0);
    this.log.length = keep;
    this.durable = keep;
    this.rebuild();
    for (const w of unsettled) w.settle(err);
    return keep;
  }

  /** A crash that keeps a random prefix of the writes in flight. */
  crashKeeping(fraction: number): number {
    return this.crash(this.durable + Math.floor(fraction * (this.log.length - this.durable + 1)));
  }

  /** Replays the surviving log into a fresh store: what a restarted process finds on disk. */
  private rebuild(): void {
    this.data = emptyData();
    this.store = new MemoryStore(this.data, () => this.appliedAt);
    for (const w of this.log) {
      this.apply(w).catch(() => {}); // the same state as when it was first applied: the same outcome again
    }
  }

  private apply(w: Write): Promise<unknown> {
    const s = this.store;
    switch (w.kind) {
      case 'create':
        return s.createWorkflow(w.c);
      case 'update':
        return s.updateWorkflow(w.u);
      case 'import':
        return s.importRun(w.r);
      case 'namespace':
        return s.putNamespace(w.ns);
      case 'retention':
        return s.deleteClosedRuns(w.namespace, w.closedBefore, w.limit);
      case 'token-keys':
        return s.putTokenKeys(w.keys);
      case 'api-key':
        return s.putApiKey(w.key);
      case 'delete-api-key':
        return s.deleteApiKey(w.keyId);
      case 'acquire-shard':
        this.appliedAt = w.at;
        return s.acquireShard(w.shardId, w.nodeId, w.leaseMs);
      case 'renew-shard':
        this.appliedAt = w.at;
        return s.renewShard(w.lease, w.leaseMs);
      case 'release-shard':
        this.appliedAt = w.at;
        return s.releaseShard(w.lease);
      case 'heartbeat-node':
        this.appliedAt = w.at;
        return s.heartbeatNode(w.node, w.ttlMs);
      case 'remove-node':
        this.appliedAt = w.at;
        return s.removeNode(w.nodeId);
    }
  }
}
