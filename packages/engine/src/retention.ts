// Retention: closed runs older than their namespace's retention are deleted, in bounded batches,
// on the engine's clock (so time-skipping tests see it happen).
import type { EngineCore } from './engine-core.js';

/**
 * By default a sweep runs every twentieth of the shortest retention (a run goes at most 5% late),
 * at least a minute apart: with only the 3-day default that is every 3.6 hours, so a
 * time-skipping test sleeping for days stops at few sweeps on the way.
 */
const RETENTION_FRACTION = 20;
const MIN_INTERVAL_MS = 60_000;

export interface RetentionOptions {
  /** How often the sweep runs. Default: the shortest retention / 20, at least one minute. */
  intervalMs?: number;
  /** Runs deleted per store call; a full batch makes the next sweep come soon. Default 500. */
  batchSize?: number;
}

export class RetentionSweeper {
  private stop: (() => void) | undefined;
  private stopped = false;
  private running = false;
  private nextAt = Infinity;
  private readonly batchSize: number;

  constructor(
    private readonly core: EngineCore,
    private readonly opts: RetentionOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
  }

  start(): void {
    this.schedule(this.intervalMs());
  }

  /** A namespace was added: its retention may call for an earlier sweep. */
  namespacesChanged(): void {
    const at = this.core.now() + this.intervalMs();
    if (!this.running && at < this.nextAt) this.schedule(this.intervalMs());
  }

  private intervalMs(): number {
    if (this.opts.intervalMs !== undefined) return this.opts.intervalMs;
    const shortest = Math.min(...this.core.namespaces.all().map((ns) => ns.retentionMs));
    return Math.max(MIN_INTERVAL_MS, Math.floor(shortest / RETENTION_FRACTION));
  }

  close(): void {
    this.stopped = true;
    this.stop?.();
  }

  /**
   * One pass over every namespace; true if some namespace had more to delete than one batch. In a
   * cluster one node sweeps, the one holding shard 0 (the sweep moves with the shard): the nodes
   * would otherwise all delete the same runs.
   */
  async sweep(): Promise<boolean> {
    if (this.core.shards && !this.core.shards.owns(0)) return false;
    let more = false;
    for (const ns of this.core.namespaces.all()) {
      if (this.stopped || this.core.failure) break;
      const closedBefore = this.core.now() - ns.retentionMs;
      const deleted = await this.core.store.deleteClosedRuns(ns.name, closedBefore, this.batchSize);
      // The store deleted exactly the closed runs that closed before the cutoff: drop those from memory too.
      if (deleted > 0) this.core.dropClosedRuns(ns.name, closedBefore);
      if (deleted >= this.batchSize) more = true;
    }
    return more;
  }

  private schedule(ms: number): void {
    this.stop?.();
    if (this.stopped) return;
    this.nextAt = this.core.now() + ms;
    this.stop = this.core.clock.schedule(ms, () => {
      this.running = true;
      this.sweep().then(
        (more) => {
          this.running = false;
          const interval = this.intervalMs();
          this.schedule(more ? Math.min(1000, interval) : interval);
        },
        (err: unknown) => {
          this.running = false;
          // A single engine stops (memory may be ahead of disk); a cluster node's sweep only
          // deletes closed runs, which no node holds in memory: it tries again next time.
          if (!this.core.shards) return this.core.fail(err);
          this.schedule(this.intervalMs());
        },
      );
    });
  }
}
