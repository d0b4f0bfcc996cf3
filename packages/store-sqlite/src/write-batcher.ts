// Group commit: mutations queue up and are flushed together in one transaction (one fsync).
// Each runs in its own savepoint, so a failing one is undone alone and only its promise rejects.
import type Database from 'better-sqlite3';

export interface WriteStats {
  /** Transactions committed (each is one WAL fsync under synchronous=FULL). */
  commits: number;
  /** Mutations that were committed. */
  mutations: number;
  /** Mutations rolled back to their savepoint (conflicts, validation errors). */
  rejected: number;
  /** Batches lost whole because the transaction itself failed. */
  failedBatches: number;
  largestBatch: number;
}

interface Pending {
  /** Its result (a count, whether a row existed) is what the mutation's promise resolves to. */
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled: (() => void) | undefined;
  private lastCommitEnd = 0;
  private closed = false;
  private readonly s: WriteStats = { commits: 0, mutations: 0, rejected: 0, failedBatches: 0, largestBatch: 0 };
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    /** Caps one transaction so a flood of writes still acknowledges in steady slices. */
    private readonly maxBatch = 1000,
    /** Least time between commits: a busy store batches more per fsync instead of fsyncing per tick. */
    private readonly minIntervalMs = 0,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT mutation');
    this.release = db.prepare('RELEASE mutation');
    this.rollbackTo = db.prepare('ROLLBACK TO mutation');
  }

  /** Queues `apply` for the next batch; resolves once the batch holding it has committed. */
  submit<T>(apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Flushes after the caller's synchronous code and microtasks (setImmediate), so everything
   * issued "at once" lands in the same batch; and no sooner than minIntervalMs after the last
   * commit, so a steady stream shares fsyncs instead of paying one per tick.
   */
  private schedule(): void {
    if (this.scheduled) return;
    const wait = this.lastCommitEnd + this.minIntervalMs - performance.now();
    if (wait <= 0) {
      const t = setImmediate(() => this.flush());
      this.scheduled = () => clearImmediate(t);
    } else {
      const t = setTimeout(() => this.flush(), wait);
      this.scheduled = () => clearTimeout(t);
    }
  }

  stats(): WriteStats {
    return { ...this.s };
  }

  /** Stops accepting work and commits whatever is queued, synchronously. */
  close(): void {
    this.closed = true;
    this.scheduled?.();
    this.scheduled = undefined;
    while (this.queue.length > 0) this.runBatch(this.queue.splice(0, this.maxBatch));
  }

  private flush(): void {
    this.scheduled = undefined;
    this.runBatch(this.queue.splice(0, this.maxBatch));
    this.lastCommitEnd = performance.now();
    if (this.queue.length > 0) this.schedule();
  }

  private runBatch(batch: Pending[]): void {
    if (batch.length === 0) return;
    this.s.largestBatch = Math.max(this.s.largestBatch, batch.length);
    const outcomes: Outcome[] = [];
    try {
      this.begin.run();
      for (const m of batch) outcomes.push(this.runOne(m));
      this.commit.run();
    } catch (error) {
      // The transaction as a whole failed (COMMIT, or an I/O error that aborted it): nothing of
      // this batch is durable, so every promise rejects.
      if (this.db.inTransaction) {
        try {
          this.rollback.run();
        } catch {
          // Already rolled back by SQLite; the original error is the one to report.
        }
      }
      this.s.failedBatches++;
      batch.forEach((m, i) => {
        const own = outcomes.at(i); // missing for mutations the failure cut off
        m.reject(own && !own.ok ? own.error : error);
      });
      return;
    }
    this.s.commits++;
    batch.forEach((m, i) => {
      const o = outcomes[i];
      if (o.ok) {
        this.s.mutations++;
        m.resolve(o.value);
      } else {
        this.s.rejected++;
        m.reject(o.error);
      }
    });
  }

  /** Runs one mutation in its own savepoint; throws only if the enclosing transaction is lost. */
  private runOne(m: Pending): Outcome {
    this.savepoint.run();
    try {
      const value = m.apply();
      this.release.run();
      return { ok: true, value };
    } catch (error) {
      // Some errors (SQLITE_FULL, IOERR, ...) make SQLite roll back the whole transaction; going
      // on would run later mutations in autocommit mode, so abort the batch instead.
      if (!this.db.inTransaction) throw error;
      this.rollbackTo.run();
      this.release.run();
      return { ok: false, error };
    }
  }
}
