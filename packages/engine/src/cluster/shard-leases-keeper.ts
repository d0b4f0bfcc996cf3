// One node's side of shard ownership: it announces itself, keeps the leases it holds renewed,
// takes shards nobody holds, and gives some up when other nodes join, so every shard has one
// owner and the shards spread evenly over the live nodes.
//
// A lease counts as held only while this node can be sure no other node has it: the store ends a
// lease `leaseMs` after the renewal that granted it, on the store's clock, and that renewal was
// granted after this node asked for it, so "asked at t, on our own clock" + leaseMs is a safe
// local end. A renewal that has not come back by then — a slow store, a paused process — makes
// the node give the shard up (`onLost`) before anyone else can take it. The store's fencing is
// the backstop for what this cannot see (a pause between checking and writing).
import type { ShardLease, Store } from '@endure/storage';
import type { Clock } from '../timer-queue.js';

export interface ShardLeasesKeeperOptions {
  nodeId: string;
  /** Where other nodes and clients reach this node. */
  address: string;
  shardCount: number;
  /** How long a lease lasts without renewal: how soon a dead node's shards are taken over. Default 10 s. */
  leaseMs?: number;
  /** How often leases are renewed and the balance checked. Default a third of leaseMs. */
  tickMs?: number;
  clock: Clock;
}

export interface ShardOwnershipEvents {
  /** This node now owns `lease.shardId`: load its work. */
  gained(lease: ShardLease): void;
  /**
   * This node no longer owns `shardId` (taken over, released, or not renewed in time): drop it.
   * A promise returned is waited for before the lease is released (a hand-over in good order
   * lets the writes in flight land first); a lease that ran out is not waited for.
   */
  lost(shardId: number, why: string): Promise<void> | void;
  /** A round failed (the store unreachable, say); the next round tries again. Leases run out meanwhile. */
  failed(err: unknown): void;
  /** A round ended (whatever it gained, lost or failed): the shards gained in it can be loaded together. */
  settled?(): void;
}

interface Held {
  lease: ShardLease;
  /** When, on this node's clock, the lease must be considered gone unless renewed. */
  safeUntil: number;
}

export class ShardLeasesKeeper {
  private readonly held = new Map<number, Held>();
  private readonly leaseMs: number;
  private readonly tickMs: number;
  private readonly startedAt: number;
  private stopTimer: (() => void) | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** Halted (a simulated crash): unlike a stop, nothing more is taken on or given back. */
  private halted = false;

  constructor(
    private readonly store: Store,
    private readonly opts: ShardLeasesKeeperOptions,
    private readonly events: ShardOwnershipEvents,
  ) {
    this.leaseMs = opts.leaseMs ?? 10_000;
    this.tickMs = opts.tickMs ?? Math.floor(this.leaseMs / 3);
    if (!(this.tickMs > 0 && this.tickMs * 2 < this.leaseMs)) throw new RangeError(`tickMs (${this.tickMs}) must be positive and under half of leaseMs (${this.leaseMs})`);
    this.startedAt = opts.clock.now();
  }

  /** The shards this node holds now, by id. */
  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** The lease of `shardId` if this node holds it: its token fences every write to the shard. */
  lease(shardId: number): ShardLease | undefined {
    return this.held.get(shardId)?.lease;
  }

  /** Runs the first round (so the node owns its share when this resolves), then keeps going. */
  async start(): Promise<void> {
    await this.tick();
    this.schedule();
  }

  /** One round now: renew, then balance. Rounds never overlap; a failed round is reported, not thrown. */
  tick(): Promise<void> {
    this.ticking ??= this.round()
      .catch((err: unknown) => {
        this.expireUnsafe();
        this.events.failed(err);
      })
      .finally(() => {
        this.ticking = undefined;
        this.events.settled?.();
      });
    return this.ticking;
  }

  /** Stops renewing and gives every shard up at once (a node leaving in good order), then leaves the node list. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimer?.();
    await this.ticking;
    for (const { lease } of [...this.held.values()]) {
      await this.drop(lease.shardId, 'the node is stopping');
      await this.store.releaseShard(lease);
    }
    await this.store.removeNode(this.opts.nodeId);
  }

  /**
   * Gives one shard up now (its owner found its memory of it unusable: a write failed): stops
   * renewing it and releases it, so it is taken again — by this node or another — and loaded
   * afresh from the store. A release that fails leaves the lease to run out.
   */
  async giveUp(shardId: number, why: string): Promise<void> {
    const h = this.held.get(shardId);
    if (!h) return;
    await this.drop(shardId, why);
    await this.store.releaseShard(h.lease).catch(() => {});
  }

  /** Stops without releasing anything: what a crash looks like to the others (for tests and the simulator). */
  halt(): void {
    this.stopped = true;
    this.halted = true;
    this.stopTimer?.();
    for (const shardId of [...this.held.keys()]) void this.drop(shardId, 'the node halted');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.stopTimer = this.opts.clock.schedule(this.tickMs, () => {
      void this.tick().finally(() => this.schedule());
    });
  }

  private async round(): Promise<void> {
    this.expireUnsafe();
    if (this.stopped) return;
    const { clock, nodeId, address } = this.opts;
    const me = await this.store.heartbeatNode({ nodeId, address, startedAt: this.startedAt }, this.leaseMs);
    await this.renewAll();
    if (this.stopped) return;
    // The store's "now" is the heartbeat's time: lease ends are compared on the store's clock.
    const storeNow = me.heartbeatAt;
    const live = (await this.store.listNodes()).filter((n) => n.expiresAt > storeNow).length;
    const target = Math.ceil(this.opts.shardCount / Math.max(1, live));
    const leases = new Map((await this.store.listShardLeases()).map((l) => [l.shardId, l]));
    for (let shardId = 0; shardId < this.opts.shardCount && this.held.size < target && !this.stopped; shardId++) {
      const current = leases.get(shardId);
      if (this.held.has(shardId) || (current && current.nodeId !== nodeId && current.expiresAt > storeNow)) continue;
      const askedAt = clock.now();
      const lease = await this.store.acquireShard(shardId, nodeId, this.leaseMs);
      // Stopping: tracked anyway, so stop() gives it back rather than leaving it to run out.
      if (!lease || this.halted) continue;
      this.held.set(shardId, { lease, safeUntil: askedAt + this.leaseMs });
      this.events.gained(lease);
    }
    // More than a fair share while other nodes have too few: the node holding the most gives up
    // what they lack, down to its fair share, in one round (only it, so two nodes never both give
    // for the same gap); a node that joins has its share within a round or two, loaded in one batch.
    const counts = new Map<string, number>();
    for (const l of leases.values()) if (l.expiresAt > storeNow) counts.set(l.nodeId, (counts.get(l.nodeId) ?? 0) + 1);
    counts.set(nodeId, this.held.size);
    const fair = Math.floor(this.opts.shardCount / Math.max(1, live));
    // A node holding nothing is missing from `counts`; it is short only when a fair share is at
    // least one — with more nodes than shards, some must hold none, and handing them a shard
    // would only leave another with none, moving a shard every round.
    const starved = (fair > 0 && live > counts.size) || [...counts.values()].some((n) => n < fair);
    const most = [...counts.entries()].reduce((a, b) => (b[1] > a[1] || (b[1] === a[1] && b[0] > a[0]) ? b : a));
    const missing = (fair > 0 ? (live - counts.size) * fair : 0) + [...counts.values()].reduce((sum, n) => sum + Math.max(0, fair - n), 0);
    let give = Math.max(0, this.held.size - target);
    if (give === 0 && starved && this.held.size > fair && most[0] === nodeId) give = Math.min(this.held.size - fair, missing);
    for (; give > 0 && !this.stopped; give--) {
      const shardId = Math.max(...this.held.keys());
      const { lease } = this.held.get(shardId)!;
      await this.drop(shardId, `rebalancing: ${live} nodes share ${this.opts.shardCount} shards`);
      await this.store.releaseShard(lease);
    }
  }

  private async renewAll(): Promise<void> {
    const { clock } = this.opts;
    await Promise.all(
      [...this.held.values()].map(async ({ lease }) => {
        const askedAt = clock.now();
        const renewed = await this.store.renewShard(lease, this.leaseMs);
        const mine = this.held.get(lease.shardId);
        if (!mine || mine.lease.token !== lease.token) return; // dropped meanwhile
        if (!renewed) return this.drop(lease.shardId, 'another node took it over');
        if (clock.now() >= mine.safeUntil) return this.drop(lease.shardId, 'its lease was not renewed in time');
        this.held.set(lease.shardId, { lease: renewed, safeUntil: askedAt + this.leaseMs });
      }),
    );
    this.expireUnsafe();
  }

  /** Gives up, locally, every shard whose lease may have ended without a renewal coming back. */
  private expireUnsafe(): void {
    const now = this.opts.clock.now();
    for (const [shardId, h] of this.held) if (now >= h.safeUntil) void this.drop(shardId, 'its lease was not renewed in time');
  }

  private drop(shardId: number, why: string): Promise<void> {
    if (!this.held.delete(shardId)) return Promise.resolve();
    return Promise.resolve(this.events.lost(shardId, why)).catch(() => {});
  }
}
