// Group commit: mutations queue up while a transaction is in flight and the next transaction
// takes all of them (up to maxBatch), so a busy store pays one commit (one WAL flush, with
// PostgreSQL's default synchronous_commit=on) for many mutations. A mutation's promise resolves
// only after COMMIT returned.
//
// One mutation's failure does not fail the others: run mutations whose preconditions fail are
// left out by the in-order check (batch-check.ts); if the transaction fails anyway (a statement
// error), it is rolled back and its mutations are retried one transaction each, in order, so only
// the bad one rejects. If the connection is lost, whether COMMIT took effect is unknown: every
// mutation of the batch rejects with StorageOutcomeUnknownError. A transaction is all or
// nothing, so a batch never half-applies, whatever happens to the connection.
//
// What comes next depends on the schema lock's mode. An exclusive store stops after a write that
// failed so (its engine does too, and a restart recovers from the database): its lock went with
// the session, and another process may own the schema now. A shared store (a cluster node) goes
// on: its writes are fenced by shard leases, not by the session, so the next batch reconnects
// (the driver does so on the next query) and takes the lock in share mode again.
import { checkInOrder, loadState, type BatchState } from './batch-check.js';
import { writeRuns } from './batch-write.js';
import { errorCode, isConnectionError, isUnreachableError, type TxSql } from './connect.js';
import type { LockMode } from './owner-lock.js';
import type { RunPlan } from './plan.js';
import type { RenewableClient } from './renewable-client.js';

/** SQLSTATE of a statement cancelled by statement_timeout. */
const STATEMENT_TIMEOUT = '57014';
const RETAKE_SHARED = 'pg_try_advisory_lock_shared';

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

export interface BatcherOptions {
  /** The schema lock (owner-lock.ts) every transaction checks, and the mode the store holds it in. */
  lock: { key: string; mode: LockMode };
  /** Most mutations committed in one transaction. */
  maxBatch: number;
  /** Called when an exclusive store must stop (a shared one never does). */
  onBroken: (e: Error) => void;
  /** Turns a database error into the one the caller sees (naming the database). */
  explain: (e: unknown) => Error;
  /** The error a shared store's write gets while an exclusive store holds the schema. */
  lockedOut: () => Error;
}

/** How long after its connection was lost a transaction may still be ended by the driver. */
const LOST_TRANSACTION_GRACE_MS = 3_000;

/** The schema lock was not this session's when the transaction checked it. */
class LockCheckFailed extends Error {}

export class WriteBatcher {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private broken: Error | undefined;
  private readonly s: WriteStats = { commits: 0, mutations: 0, rejected: 0, failedBatches: 0, largestBatch: 0 };
  /**
   * Shared mode: whether the writer's current session holds the schema lock in share mode. Open
   * takes it; a lost connection loses it (sessionEnded), and the next transaction takes it again.
   */
  private sessionLocked = true;

  constructor(
    private readonly writer: RenewableClient,
    private readonly o: BatcherOptions,
  ) {}

  /** The writer's session ended: in shared mode, the next transaction takes the lock again. */
  sessionEnded(): void {
    this.sessionLocked = false;
  }

  /** Whether the writer's session is known to hold the schema lock (so unlocking it needs no reconnect). */
  get holdsSessionLock(): boolean {
    return this.sessionLocked && !this.broken;
  }

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
      while (this.queue.length > 0 && !this.broken) await this.runBatch(this.queue.splice(0, this.o.maxBatch));
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
      const failed = this.batchFailure(e);
      if (failed) {
        if (this.o.lock.mode === 'exclusive') {
          this.o.onBroken(failed);
          this.fail(failed);
        }
        for (const p of batch) p.reject(failed);
        return;
      }
      this.s.failedBatches++;
      if (batch.length === 1) {
        this.s.rejected++;
        batch[0]!.reject(this.o.explain(e));
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

  /**
   * The error every mutation of a failed batch gets when the failure is not a statement's (so
   * retrying them one by one would not help), or undefined when it is.
   */
  private batchFailure(e: unknown): Error | undefined {
    if (this.broken) return this.broken;
    const exclusive = this.o.lock.mode === 'exclusive';
    const after = exclusive ? 'Endure stops here, and a restart recovers from what the database holds' : 'the store goes on';
    const reconnects = exclusive ? after : `${after}, and its next call reconnects`;
    if (e instanceof LockCheckFailed) {
      return exclusive
        ? new OwnershipLostError('this store lost its owner lock to another process (its session ended and another opener took the schema); Endure stops here: restart it')
        : this.o.lockedOut();
    }
    if (errorCode(e) === STATEMENT_TIMEOUT) {
      // Rolled back, so nothing was committed; retrying each mutation alone would wait the
      // timeout once per mutation.
      return new Error(`${this.o.explain(e).message}; the database did not finish the write within the statement timeout (statementTimeoutMs), and nothing of it was committed: ${after}`);
    }
    if (isUnreachableError(e)) return new Error(`${this.o.explain(e).message}; nothing of the write reached the database: ${reconnects}`);
    if (isConnectionError(e)) {
      return new StorageOutcomeUnknownError(`${this.o.explain(e).message}; the connection failed during a write, so whether it committed is unknown: ${reconnects}`);
    }
    return undefined;
  }

  /** One transaction: runs of consecutive run plans are checked and written together; other jobs run in their place in the order. */
  private transaction(jobs: Job[]): Promise<Outcome[]> {
    // Guarded: a transaction whose connection was lost must not be ended by the driver (renewable-client.ts).
    const done = this.writer.sql.begin((tx) => this.writer.guard(this.statements(tx, jobs)));
    // The driver rejects the transaction when its connection is lost; should it not, the batch
    // (and every write queued behind it) would wait forever: a moment after the loss, the batch
    // fails as a write whose outcome is unknown, and the next one goes on a new client.
    let timer: NodeJS.Timeout | undefined;
    let stopWatching = () => {};
    const abandoned = new Promise<never>((_, reject) => {
      stopWatching = this.writer.onLoss(() => {
        timer = setTimeout(() => reject(Object.assign(new Error('the connection was lost during the write, and the driver did not end the transaction'), { code: 'CONNECTION_CLOSED' })), LOST_TRANSACTION_GRACE_MS);
      });
    });
    return Promise.race([done, abandoned]).finally(() => {
      stopWatching();
      clearTimeout(timer);
    });
  }

  private async statements(tx: TxSql, jobs: Job[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    // Sent first, read last: it rides along with the batch's statements at no round trip of its own.
    const check = this.lockCheck();
    const owned = tx<{ ok: boolean }[]>`SELECT ${tx.unsafe(check)}(hashtext(${this.o.lock.key})) AS ok`.execute();
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
    if (!lock?.ok) throw new LockCheckFailed();
    if (check === RETAKE_SHARED) this.sessionLocked = true;
    return outcomes;
  }

  /**
   * The lock function this transaction calls. The transaction-level lock succeeds only while no
   * other session holds the schema in a conflicting mode; a shared store whose session was lost
   * takes the session lock again instead (held whether this transaction commits or not).
   */
  private lockCheck(): string {
    if (this.o.lock.mode === 'exclusive') return 'pg_try_advisory_xact_lock';
    return this.sessionLocked ? 'pg_try_advisory_xact_lock_shared' : RETAKE_SHARED;
  }
}

export class OwnershipLostError extends Error {
  override name = 'OwnershipLostError';
}
