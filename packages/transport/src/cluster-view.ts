// What a client of several servers knows of their cluster: the live nodes and which one owns each
// shard, read with describeCluster and read again every few seconds and whenever a node fails.
// It is only advice: a request sent by it to a node that no longer owns the run is forwarded by
// that node, and one sent to a node that cannot be reached goes the plain way (any node). A
// deployment that is no cluster (one server, or several without --cluster), or a server that
// will not describe its cluster, leaves the view empty, and every request goes the plain way.
import { ApiError, shardOf, type DescribeClusterResponse, type EngineApi } from '@endure/protocol';
import { openHttp, type HttpEngine } from './http.js';
import type { HttpOptions } from './http-caller.js';

/** How often the view is read again while the connection is open. */
const REFRESH_MS = 5_000;
/** Soonest a failure may ask for the view again. */
const MIN_REFRESH_GAP_MS = 500;
/** How long a node that failed is left out (a killed node is listed alive until its announcement runs out). */
const NODE_DOWN_MS = 2_000;

/** A node as the connection reaches it: its own HTTP engine (a keep-alive pool and a batcher). */
export interface NodeLink {
  readonly address: string;
  readonly http: HttpEngine;
}

export class ClusterView {
  private shardCount = 0;
  /** Owner address of each shard (undefined: nobody holds it now). */
  private owners: (string | undefined)[] = [];
  private live: string[] = [];
  private readonly links = new Map<string, NodeLink>();
  private readonly downUntil = new Map<string, number>();
  private reading: Promise<void> | undefined;
  private lastRead = 0;
  private timer: NodeJS.Timeout | undefined;
  /** A request was routed by the view since it was last read on the timer. */
  private used = false;
  private closed = false;
  /** Told when the set of usable nodes may have changed (new polls to start). */
  onChange: () => void = () => {};
  /** Whether worker polls are waiting (they use the view without routing requests). */
  waiting: () => boolean = () => false;

  constructor(
    /** Any node (the plain connection, with its fail-over). */
    private readonly any: EngineApi,
    private readonly opts: HttpOptions,
  ) {}

  /**
   * Called for each request routed by the view. The first starts reading it (calls made before
   * the first answer go the plain way); after that it is read every REFRESH_MS while requests
   * come or worker polls wait (`waiting`), and not while the connection is idle (an idle client
   * costs the nodes nothing), until a request comes again.
   */
  start(): void {
    if (this.closed) return;
    this.used = true;
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.used && !this.waiting()) return;
      this.used = false;
      void this.refresh();
    }, REFRESH_MS);
    this.timer.unref();
    void this.refresh();
  }

  /** The node owning the run's shard, if the view knows a usable one. */
  ownerOf(namespace: string, workflowId: string): NodeLink | undefined {
    if (this.shardCount === 0) return undefined;
    const address = this.owners[shardOf(namespace, workflowId, this.shardCount)];
    return address !== undefined && this.usable(address) ? this.link(address) : undefined;
  }

  /** Every live node the connection can use now; empty when the view does not know the cluster. */
  nodes(): NodeLink[] {
    return this.live.filter((a) => this.usable(a)).map((a) => this.link(a));
  }

  /** A call to `address` failed as if the node were gone: leave it out for a while and read the view again. */
  failed(address: string): void {
    this.downUntil.set(address, Date.now() + NODE_DOWN_MS);
    void this.refresh(true);
  }

  /** Reads describeCluster; `soon`: asked by a failure, at most once per MIN_REFRESH_GAP_MS. */
  refresh(soon = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (soon && Date.now() - this.lastRead < MIN_REFRESH_GAP_MS) return Promise.resolve();
    return (this.reading ??= this.read().finally(() => (this.reading = undefined)));
  }

  private async read(): Promise<void> {
    this.lastRead = Date.now();
    let d: DescribeClusterResponse;
    try {
      d = await this.any.describeCluster({});
    } catch (err) {
      // A server that cannot describe its cluster (an older one, a key it refuses): no view; one
      // that cannot be reached keeps the last view until the next reading.
      if (!(err instanceof ApiError && err.code === 'UNAVAILABLE')) this.forget();
      return;
    }
    if (this.closed) return;
    if (d.mode !== 'cluster' || !d.shardCount) return this.forget();
    const alive = new Map(d.nodes.filter((n) => n.alive).map((n) => [n.nodeId, n.address]));
    const owners: (string | undefined)[] = new Array(d.shardCount).fill(undefined);
    for (const s of d.shards) if (s.held && s.shardId < d.shardCount) owners[s.shardId] = alive.get(s.nodeId);
    const live = [...new Set(alive.values())].sort();
    const changed = live.join(',') !== this.live.join(',');
    this.shardCount = d.shardCount;
    this.owners = owners;
    // A node left out keeps its link: requests still on their way there (a poll whose answer may
    // hold tasks) end by themselves; a node restarted at the same address uses it again.
    this.live = live;
    if (changed) this.onChange();
  }

  private forget(): void {
    this.shardCount = 0;
    this.owners = [];
    this.live = [];
  }

  private usable(address: string): boolean {
    const until = this.downUntil.get(address);
    return until === undefined || until <= Date.now();
  }

  private link(address: string): NodeLink {
    let l = this.links.get(address);
    if (!l) this.links.set(address, (l = { address, http: openHttp([address], this.opts) }));
    return l;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const l of this.links.values()) l.http.close();
    this.links.clear();
    this.forget();
  }
}
