// One node of a simulated cluster: a process running a ClusterMember (its engine and lease
// keeper) on its own clock scope, with its own connection to the shared database, serving two
// endpoints on the simulated network — the API any node answers (`clusterApi`) and the peer API
// other nodes forward to (its own engine). It can crash (and be restarted as a new incarnation,
// under the same node id or a new one), freeze entirely (a stopped VM: no alarms, no messages, no
// I/O, while time goes on), or have only its alarms frozen (its lease keeper misses renewals while
// requests still reach it).
import { ENGINE_OPERATIONS, PEER_OPERATION_NAMES } from '@endure/protocol';
import { ClusterMember, clusterApi, type NodeApi } from '@endure/engine';
import { FencedOffError, type Store } from '@endure/storage';
import type { Network } from './network.js';
import type { SimConnection } from './sim-store.js';
import type { World } from './sim-world.js';
import type { ClockScope } from './virtual-clock.js';

export interface ClusterShape {
  shardCount: number;
  leaseMs: number;
  tickMs: number;
}

/** The network name of a node's peer endpoint (its own engine, never routed again). */
const peerEndpoint = (address: string) => `${address}/peer`;

/** Another node as this one reaches it: every call a message on the simulated network. */
function remote(net: Network, to: string, from: string): NodeApi {
  return new Proxy({} as NodeApi, {
    // Only the operations: not `then` (the object must not look like a promise to an `await`), and
    // not optional extras of a link such as `endablePoll` (a poll here ends by its signal).
    get: (_, op) => (typeof op === 'string' && NODE_OPERATIONS.has(op) ? (req: unknown, signal?: AbortSignal) => net.call(to, op, req, from, signal) : undefined),
  });
}

const NODE_OPERATIONS: ReadonlySet<string> = new Set<string>([...ENGINE_OPERATIONS, ...PEER_OPERATION_NAMES]);

/**
 * Holds a frozen process's I/O: a call it makes is sent only once it is thawed, and an answer
 * reaching it is seen only then — so what it decided before the freeze lands after it, late.
 */
class Freezer {
  frozen = false;
  private waiting: (() => void)[] = [];

  /** `fencedOffAfterWaking`: a write held by the freeze was refused once sent (its shard was taken meanwhile). */
  constructor(private readonly fencedOffAfterWaking: () => void = () => {}) {}

  /** Called as the process is about to send a run write: a freeze landing between deciding on a write and sending it. */
  beforeRunWrite: (() => void) | undefined;

  wrap(store: Store): Store {
    return new Proxy(store, {
      get: (target, key) => {
        const value = (target as unknown as Record<string | symbol, unknown>)[key];
        if (typeof value !== 'function') return value;
        const runWrite = key === 'createWorkflow' || key === 'updateWorkflow';
        return (...args: unknown[]) => {
          if (runWrite) this.beforeRunWrite?.();
          return this.run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        };
      },
    });
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    const held = this.frozen;
    await this.awake();
    try {
      return await fn();
    } catch (err) {
      if (held && err instanceof FencedOffError) this.fencedOffAfterWaking();
      throw err;
    } finally {
      await this.awake();
    }
  }

  private awake(): Promise<void> | void {
    if (this.frozen) return new Promise<void>((r) => this.waiting.push(r));
  }

  thaw(): void {
    this.frozen = false;
    for (const go of this.waiting.splice(0)) go();
  }
}

export class SimNode {
  private incarnation = 0;
  private scope: ClockScope | undefined;
  private connection: SimConnection | undefined;
  private freezer: Freezer;
  private pauses = 0;
  member: ClusterMember | undefined;
  /** Crashed, and not restarted yet. */
  down = true;
  /** Frozen entirely (`pause`), or only its alarms (`freezeAlarms`). */
  paused = false;
  alarmsFrozen = false;

  constructor(
    /** Its node id, which is also its address on the network. */
    public nodeId: string,
    private readonly world: World,
    private readonly shape: ClusterShape,
    private readonly counts: { shardsGivenUp: number; fencedOffAfterPause: number },
  ) {
    this.freezer = this.newFreezer();
  }

  private newFreezer(): Freezer {
    return new Freezer(() => this.counts.fencedOffAfterPause++);
  }

  /** Starts a new incarnation of the process on the shared database. */
  start(): void {
    const { world, shape, nodeId } = this;
    const incarnation = ++this.incarnation;
    const scope = (this.scope = world.clock.scope());
    this.freezer = this.newFreezer();
    this.connection = world.disk.connect({ nodeId, process: `${nodeId}#${incarnation}` });
    this.down = false;
    const nodeApi = (address: string) => remote(world.net, peerEndpoint(address), nodeId);
    ClusterMember.join(this.freezer.wrap(this.connection.store), {
      nodeId,
      address: nodeId,
      ...shape,
      engine: { clock: scope, waits: scope, newId: world.newId, maxCachedRuns: 1 + Math.floor(world.random() * 50) },
      peerAt: nodeApi,
      log: (message) => {
        if (message.startsWith('gave up shard')) this.counts.shardsGivenUp++;
      },
    }).then(
      (member) => {
        if (incarnation !== this.incarnation) return;
        this.member = member;
        world.net.attach(nodeId, clusterApi(member, nodeApi), nodeId);
        world.net.attach(peerEndpoint(nodeId), member.engine, nodeId);
      },
      // Could not even open (a write at open failed): its supervisor starts it again shortly.
      () => {
        if (incarnation === this.incarnation) world.actorScope.schedule(500, () => incarnation === this.incarnation && this.start());
      },
    );
  }

  /** The process dies where it stands: nothing more of it runs, reaches the database or answers. */
  crash(): void {
    this.incarnation++;
    this.connection?.kill();
    this.scope?.drop();
    this.member = undefined;
    this.world.net.attach(this.nodeId, undefined);
    this.world.net.attach(peerEndpoint(this.nodeId), undefined);
    this.world.net.thaw(this.nodeId);
    this.down = true;
    this.paused = false;
    this.alarmsFrozen = false;
  }

  /** A restart after a crash: under the same node id, or (`newId`) as a node never seen before. */
  restart(newId?: string): void {
    if (newId) this.nodeId = newId;
    this.start();
  }

  /**
   * Freezes the whole process: no alarm fires, no message reaches it, no I/O leaves it or comes
   * back. Returns which freeze this is, for `resume`.
   */
  pause(): number {
    this.paused = true;
    this.freezer.frozen = true;
    this.scope?.pause();
    this.world.net.freeze(this.nodeId);
    return ++this.pauses;
  }

  /** Freezes the process the moment it is about to send its next run write (then `frozen()`), so that write waits out the freeze. */
  pauseBeforeNextWrite(frozen: (pause: number) => void): void {
    const freezer = this.freezer;
    freezer.beforeRunWrite = () => {
      freezer.beforeRunWrite = undefined;
      if (freezer !== this.freezer || !this.healthy) return; // crashed (or frozen otherwise) meanwhile
      frozen(this.pause());
    };
  }

  /** Ends freeze `pause` (not a later one: the process may have crashed and frozen again since). */
  resume(pause: number): void {
    if (!this.paused || pause !== this.pauses) return;
    this.paused = false;
    this.world.net.thaw(this.nodeId);
    // The I/O it decided on before the freeze goes out first, before any alarm of its can fire.
    this.freezer.thaw();
    this.scope?.resume();
  }

  /** Only its alarms stop (its lease keeper misses its rounds) while requests still reach it. */
  freezeAlarms(): void {
    this.alarmsFrozen = true;
    this.scope?.pause();
  }

  thawAlarms(): void {
    if (!this.alarmsFrozen) return;
    this.alarmsFrozen = false;
    this.scope?.resume();
  }

  /** Up, and neither frozen nor with frozen alarms: a fault may be injected. */
  get healthy(): boolean {
    return !this.down && !this.paused && !this.alarmsFrozen;
  }
}
