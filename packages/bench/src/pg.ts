// The embedded engine on PostgreSQL for the pg-* scenarios: a fresh schema of the test database
// per scenario (dropped afterwards), and PostgreSQL's own counters of committed transactions and
// WAL fsyncs, so a result says what each workflow step cost the database.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The database the pg-* scenarios use; ENDURE_BENCH_POSTGRES overrides it. */
export const BENCH_DATABASE = process.env['ENDURE_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgCounters {
  transactions: number;
  walFsyncs: number;
  walRecords: number;
}

export interface PgBench {
  /** The address to open the engine on (the fresh schema). */
  address: string;
  /** PostgreSQL's counters now (database-wide: other sessions on the same database count too). */
  counters(): Promise<PgCounters>;
  /** Drops the schema and disconnects. */
  close(): Promise<void>;
}

export function openPgBench(): PgBench {
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const sql = postgres(BENCH_DATABASE, { max: 1, onnotice: () => undefined });
  return {
    address: `${BENCH_DATABASE}?schema=${schema}`,
    async counters() {
      // Backends report their counts at most once a second: wait for that, then read afresh.
      await new Promise((r) => setTimeout(r, 1100));
      await sql`SELECT pg_stat_clear_snapshot()`;
      const [db] = await sql<{ xact_commit: string }[]>`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`;
      const [wal] = await sql<{ wal_sync: string; wal_records: string }[]>`SELECT wal_sync, wal_records FROM pg_stat_wal`;
      return { transactions: Number(db?.xact_commit ?? NaN), walFsyncs: Number(wal?.wal_sync ?? NaN), walRecords: Number(wal?.wal_records ?? NaN) };
    },
    async close() {
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** What each step cost PostgreSQL between two readings of its counters. */
export function perStep(before: PgCounters, after: PgCounters, steps: number): Record<string, number> {
  const r = (x: number) => Number(x.toFixed(3));
  return {
    steps,
    transactionsPerStep: r((after.transactions - before.transactions) / steps),
    walFsyncsPerStep: r((after.walFsyncs - before.walFsyncs) / steps),
    walRecordsPerStep: r((after.walRecords - before.walRecords) / steps),
  };
}
