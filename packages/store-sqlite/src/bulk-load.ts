// Seeding a database with many runs at once (benchmarks, imports): the same plans and statements
// as createWorkflow — so the rows are exactly the ones the store writes — but applied on this
// thread in large transactions without an fsync per commit.
import Database from 'better-sqlite3';
import type { CreateWorkflow } from '@endure/storage';
import { canonicalPath, claimInProcess } from './lock.js';
import { migrate } from './migrations.js';
import { applyPlan, planCreate } from './mutations.js';
import { ClusterTables } from './cluster.js';
import { Statements } from './statements.js';

export interface BulkLoadOptions {
  /** Runs per transaction. Default 20000. */
  batch?: number;
  /** Called after each transaction with the number of runs written so far. */
  onProgress?(written: number): void;
}

/**
 * Creates every run of `runs` in the database at `path` (created and migrated if needed), which
 * no store may have open. Each run is checked like createWorkflow checks it and the first
 * failure stops the load. Durable once it returns; a crash mid-way keeps the transactions
 * committed so far (synchronous=OFF: the OS decides when they reach the disk). Returns the count.
 */
export function bulkLoadWorkflows(path: string, runs: Iterable<CreateWorkflow>, opts: BulkLoadOptions = {}): number {
  const abs = canonicalPath(path);
  const release = claimInProcess(abs);
  const db = new Database(abs, { timeout: 100 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    migrate(db, abs);
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144'); // 256 MB: random-key inserts into large indexes stay in memory
    db.pragma('foreign_keys = ON');
    const st = new Statements(db);
    const cluster = new ClusterTables(db);
    const batch = opts.batch ?? 20_000;
    let written = 0;
    let pending: CreateWorkflow[] = [];
    const flush = db.transaction((items: CreateWorkflow[]) => {
      for (const c of items) applyPlan(st, planCreate(c), (fence) => cluster.checkFence(fence));
    });
    for (const c of runs) {
      pending.push(c);
      if (pending.length < batch) continue;
      flush(pending);
      written += pending.length;
      pending = [];
      opts.onProgress?.(written);
    }
    flush(pending);
    written += pending.length;
    // FULL first: the checkpoint then fsyncs the database file, which makes the load durable.
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return written;
  } finally {
    db.close();
    release();
  }
}
