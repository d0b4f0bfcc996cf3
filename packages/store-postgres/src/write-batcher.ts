// Group commit: mutations queue up while a transaction is in flight and the next transaction
// takes all of them (up to maxBatch), so a busy store pays one commit (one WAL flush, with
// PostgreSQL's default synchronous_commit=on) for many mutations. A mutation's promise resolves
// only after COMMIT returned.
//
// One mutation's failure does not fail the others: run mutations whose preconditions fail are
// left out by the in-order check (batch-check.ts); if the transaction fails anyway (a statement
// error), it is rolled back and its mutations are retried one transaction each, in order, so only
// the bad one rejects. If the connection is lost, whether COMMIT took effect is unknown: every
// mutation of the batch rejects with StorageOutcomeUnknownError and the store stops, as the
// engine does after any failed write.
import { checkInOrder, loadState, type BatchState } from './batch-check.js';
import { writeRuns } from './batch-write.js';
import { errorCode, isConnectionError, type Sql, type TxSql } from './connect.js';
import type { RunPlan } from './plan.js';

/** SQLSTATE of a statement cancelled by statement_timeout. */
const STATEMENT_TIMEOUT = '57014';

/** A mutation as the batcher runs it: a run plan, or an operation of its own (namespaces, keys, retention). */
export type Job = { run: RunPlan } | { apply: (tx: TxSql) => Promise<unknown> };

export interface WriteStats {
  /** Transactions committed. */
  commits: number;
  /** Mutations that were committed. */
  mutations: number;
  /** Mutations refused (conflicts, statement errors). */
  rejected: number;
  /** Transactions that failed and were retried one mutation at a time. */
  failedBatches: number;
  largestBatch: number;
}

/** The connection failed while a batch was being written: it may or may not have committed. */
export class StorageOutcomeUnknownError extends Error {
  override name = 'StorageOutcomeUnknownError';
}

interface Pending {
  job: Job;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

export class WriteBatcher {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private broken: Error | undefined;
  private readonly s: WriteStats = { commits: 0, mutations: 0, rejected: 0, failedBatches: 0, largestBatch: 0 };

  constructor(
    private readonly writer: Sql,
    /** Checked at the start of every transaction: the owner lock is still this session's. */
    private readonly lockKey: string,
    private readonly maxBatch: number,
    private readonly onBroken: (e: Error) => void,
    /** Turns a database error into the one the caller sees (naming the database). */
    private readonly explain: (e: unknown) => Error,
  ) {}

  submit(job: Job): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      // setImmediate: everything issued in this turn of the event loop joins the same batch.
      this.running ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  stats(): WriteStats {
    return { ...this.s };
  }

  /** Resolves once every mutation submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Rejects everything queued with `e`; later submissions reject too. */
  fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.broken) await this.runBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    this.s.largestBatch = Math.max(this.s.largestBatch, batch.length);
    let outcomes: Outcome[];
    try {
      outcomes = await this.transaction(batch.map((p) => p.job));
    } catch (e) {
      if (errorCode(e) === STATEMENT_TIMEOUT && !this.broken) {
        // Rolled back, so nothing was committed; retrying each mutation alone would wait the
        // timeout once per mutation. The database is not answering: stop, as after a failed write.
        const err = new Error(`${this.explain(e).message}; the database did not finish the write within the statement timeout (statementTimeoutMs), and nothing of it was committed: Endure stops here, and a restart recovers from what the database holds`);
        this.onBroken(err);
        this.fail(err);
        for (const p of batch) p.reject(err);
        return;
      }
      if (this.broken || isConnectionError(e) || e instanceof OwnershipLostError) {
        const err =
          this.broken ??
          (e instanceof OwnershipLostError
            ? e
            : new StorageOutcomeUnknownError(`${this.explain(e).message}; the connection failed during a write, so whether it committed is unknown: Endure stops here, and a restart recovers from what the database holds`));
        this.onBroken(err);
        this.fail(err);
        for (const p of batch) p.reject(err);
        return;
      }
      this.s.failedBatches++;
      if (batch.length === 1) {
        this.s.rejected++;
        batch[0]!.reject(this.explain(e));
        return;
      }
      for (const p of batch) await this.runBatch([p]);
      return;
    }
    this.s.commits++;
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) {
        this.s.mutations++;
        p.resolve(o.value);
      } else {
        this.s.rejected++;
        p.reject(o.error);
      }
    });
  }

  /** One transaction: runs of consecutive run plans are checked and written together; other jobs run in their place in the order. */
  private transaction(jobs: Job[]): Promise<Outcome[]> {
    return this.writer.begin(async (tx) => {
      const outcomes: Outcome[] = [];
      // Sent first, read last: it rides along with the batch's statements at no round trip of its own.
      const owned = tx<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${this.lockKey})) AS ok`.execute();
      owned.catch(() => undefined); // its failure fails the transaction anyway
      for (let i = 0; i < jobs.length; ) {
        const job = jobs[i]!;
        if ('apply' in job) {
          outcomes.push({ ok: true, value: await job.apply(tx) });
          i++;
          continue;
        }
        let end = i;
        while (end < jobs.length && 'run' in jobs[end]!) end++;
        const plans = jobs.slice(i, end).map((j) => (j as { run: RunPlan }).run);
        const loaded = await loadState(tx, plans);
        const before: BatchState = { runs: new Map(loaded.runs), current: new Map(loaded.current), tokens: loaded.tokens };
        const errors = checkInOrder(plans, loaded);
        await writeRuns(tx, plans.filter((_, k) => !errors[k]), before);
        for (const e of errors) outcomes.push(e ? { ok: false, error: e } : { ok: true, value: undefined });
        i = end;
      }
      const [lock] = await owned;
      if (!lock?.ok) throw new OwnershipLostError('this store lost its owner lock to another process (its session ended and another opener took the schema); Endure stops here: restart it');
      return outcomes;
    });
  }
}

export class OwnershipLostError extends Error {
  override name = 'OwnershipLostError';
}
