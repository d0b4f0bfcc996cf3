// One node of a cluster: an engine that owns the shards its lease keeper holds. The keeper's
// gains become adoptions (batched: a node starting takes a third of the shards in one round, and
// each adoption scans the stored tasks once), its losses become drops, and a shard the engine
// gives up by itself (a write failed or was fenced off) is handed back to the keeper to release.
// Effects on runs of other shards go to the node the lease table names (`peerAt` reaches it).
import type { NodeRecord, ShardLease, Store } from '@endure/storage';
import { Engine, type EngineOpenOptions } from '../engine.js';
import type { RunActions } from '../run-actions.js';
import { ShardLeasesKeeper, type ShardLeasesKeeperOptions } from './shard-leases-keeper.js';
import { systemClock, type Clock } from '../timer-queue.js';
import { shardOf } from '@endure/protocol';

export interface ClusterMemberOptions extends Omit<ShardLeasesKeeperOptions, 'clock'> {
  /** The engine's options (its clock is the keeper's too); `cluster` is filled in here. */
  engine?: Omit<EngineOpenOptions, 'cluster'>;
  /** How to reach another node, by the address it announced. */
  peerAt(address: string): RunActions;
  /** Called with the engine as soon as it is open, before this node takes any shard (its effects may then call peerAt). */
  opened?(engine: Engine): void;
  /** A round of the keeper failed, or a shard was lost: for the node's log. */
  log?(message: string): void;
}

/** Who owns a shard, as this node last read the lease table. */
export interface ShardOwner {
  nodeId: string;
  address: string;
}

export class ClusterMember {
  /** Shards gained in the round going on, loaded when it ends. */
  private readonly pending: ShardLease[] = [];
  private adopting: Promise<void> = Promise.resolve();
  private owners = new Map<number, ShardOwner>();
  private nodes: NodeRecord[] = [];
  private refreshing: Promise<void> | undefined;
  private stopRefresh: (() => void) | undefined;

  /** Where this node's real-time pauses are scheduled (retries of a forwarded call): the engine's `waits`. */
  readonly waits: Clock;

  private constructor(
    readonly engine: Engine,
    readonly keeper: ShardLeasesKeeper,
    private readonly store: Store,
    private readonly opts: ClusterMemberOptions,
  ) {
    this.waits = opts.engine?.waits ?? systemClock;
  }

  /** Opens the engine as a node and runs the keeper's first round: resolves owning this node's share of the shards. */
  static async join(store: Store, opts: ClusterMemberOptions): Promise<ClusterMember> {
    const clock = opts.engine?.clock ?? systemClock;
    await checkShardCount(store, opts.shardCount);
    let member: ClusterMember | undefined;
    const engine = await Engine.open(store, {
      ...opts.engine,
      cluster: {
        shardCount: opts.shardCount,
        peer: (shardId) => member?.peer(shardId),
        onShardLost: (shardId, why) => {
          opts.log?.(`gave up shard ${shardId}: ${why}`);
          void member?.keeper.giveUp(shardId, why);
        },
      },
    });
    opts.opened?.(engine);
    const keeper = new ShardLeasesKeeper(store, { ...opts, clock }, {
      gained: (lease) => member!.pending.push(lease),
      settled: () => member!.adoptPending(),
      lost: (shardId, why) => {
        opts.log?.(`lost shard ${shardId}: ${why}`);
        return engine.dropShard(shardId);
      },
      failed: (err) => opts.log?.(`shard lease round failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    member = new ClusterMember(engine, keeper, store, opts);
    await keeper.start();
    await member.adopting;
    await member.refresh();
    // The lease table as often as leases are renewed: who owns what is then never older than a round.
    const every = opts.tickMs ?? Math.floor((opts.leaseMs ?? 10_000) / 3);
    const again = () => (member!.stopRefresh = clock.schedule(every, () => void member!.refresh().finally(again)));
    again();
    return member;
  }

  /** Loads the shards gained in the last round, in one batch (one read of the stored tasks for all of them). */
  private adoptPending(): void {
    if (this.pending.length === 0) return;
    this.adopting = this.adopting.then(async () => {
      // Only leases still held under the same token: one lost meanwhile must not come back.
      const batch = this.pending.splice(0).filter((l) => this.keeper.lease(l.shardId)?.token === l.token);
      if (batch.length === 0) return;
      try {
        const startedAt = Date.now();
        await this.engine.adoptShards(batch);
        this.opts.log?.(`took shards ${batch.map((l) => l.shardId).join(',')} (their tasks and timers loaded in ${Date.now() - startedAt} ms)`);
      } catch (err) {
        // The stored work could not be read (the database down, say): give the shards back, to be taken again.
        for (const l of batch) {
          await this.engine.dropShard(l.shardId);
          await this.keeper.giveUp(l.shardId, `loading it failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
  }

  /** The node owning `shardId`, for an effect on one of its runs; undefined when it is this node or unknown (the effect is retried). */
  private peer(shardId: number): RunActions | undefined {
    const owner = this.ownerOf(shardId);
    if (!owner || owner.nodeId === this.opts.nodeId) {
      void this.refresh();
      return undefined;
    }
    return this.opts.peerAt(owner.address);
  }

  get nodeId(): string {
    return this.opts.nodeId;
  }

  shardOf(namespace: string, workflowId: string): number {
    return shardOf(namespace, workflowId, this.opts.shardCount);
  }

  /** The nodes whose last heartbeat still counts, as last read (this one always among them). */
  liveNodes(): NodeRecord[] {
    const now = Math.max(0, ...this.nodes.map((n) => n.heartbeatAt));
    return this.nodes.filter((n) => n.expiresAt > now || n.nodeId === this.opts.nodeId);
  }

  /** Who owns `shardId` as last read (this node's own leases are always current). */
  ownerOf(shardId: number): ShardOwner | undefined {
    if (this.keeper.lease(shardId)) return { nodeId: this.opts.nodeId, address: this.opts.address };
    return this.owners.get(shardId);
  }

  /** The nodes as last read. */
  knownNodes(): NodeRecord[] {
    return this.nodes;
  }

  /** Reads the lease table, the node list and the shared settings again (every round, and when an owner is not known). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const [leases, nodes] = await Promise.all([this.store.listShardLeases(), this.store.listNodes()]);
      const addressOf = new Map(nodes.map((n) => [n.nodeId, n.address]));
      const now = Math.max(0, ...nodes.map((n) => n.heartbeatAt));
      const owners = new Map<number, ShardOwner>();
      const beyond = leases.filter((l) => l.shardId >= this.opts.shardCount);
      if (beyond.length > 0) this.opts.log?.(`node ${beyond[0]!.nodeId} leases shard ${beyond[0]!.shardId}, beyond this node's ${this.opts.shardCount} shards: the nodes disagree on --shards; stop it and start it with ${this.opts.shardCount}`);
      for (const l of leases) {
        const address = addressOf.get(l.nodeId);
        if (address !== undefined && l.expiresAt > now) owners.set(l.shardId, { nodeId: l.nodeId, address });
      }
      this.owners = owners;
      this.nodes = nodes;
      // Namespaces, API keys and token keys made on other nodes meanwhile.
      if (this.engine.health().status === 'serving') await this.engine.refreshSharedState();
    })()
      .catch((err: unknown) => this.opts.log?.(`reading the lease table failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Leaves in good order: every shard released once its writes landed, the engine closed. */
  async leave(): Promise<void> {
    this.stopRefresh?.();
    await this.keeper.stop();
    await this.engine.close();
  }

  /** Stops as a crash would (for tests and the simulator): nothing released, the engine closed. */
  async halt(): Promise<void> {
    this.stopRefresh?.();
    this.keeper.halt();
    await this.engine.close();
  }
}

/**
 * A run's shard depends on the shard count, so every node must use the same one: a node counting
 * differently would own runs another node owns too. Shards are leased from 0 up, so a lease of a
 * shard this node does not have means the cluster counts more: refused. (A node counting more
 * than the others leases shards they do not have; they report it every round, see refresh.)
 */
async function checkShardCount(store: Store, shardCount: number): Promise<void> {
  const leased = await store.listShardLeases();
  const theirs = Math.max(-1, ...leased.map((l) => l.shardId)) + 1;
  if (theirs > shardCount) {
    throw new ShardCountMismatchError(`this database's cluster has at least ${theirs} shards, and this node was started with ${shardCount}: start every node with the same count (--shards); a run's shard depends on it`);
  }
}

export class ShardCountMismatchError extends Error {
  override name = 'ShardCountMismatchError';
}
