// Who may write a schema. An exclusive store (one engine, which keeps runs in memory as the
// truth) holds the schema lock alone; shared stores (the nodes of a cluster, whose writes shard
// leases fence) hold it together, in share mode. So an engine and a cluster never write one
// schema at once: each is refused while the other holds it.
//
// The lock is a session-level advisory lock held by the writer's connection, so every write
// travels on the session that holds it, and PostgreSQL drops it when that session ends (close,
// crash, kill -9, lost network). The `owner` row only says which process holds it exclusively,
// for the error a second opener sees; a cluster's nodes are named by cluster_nodes.
import { hostname } from 'node:os';
import type { Sql } from './connect.js';

export interface SchemaHolder {
  pid?: number;
  host?: string;
  program?: string;
  /** The URL of the endure server serving this schema, when that is what owns it. */
  server?: string;
  /** Held in share mode: the schema serves a cluster; the addresses of its live nodes, as far as known. */
  cluster?: string[];
}

export type LockMode = 'exclusive' | 'shared';

export const ownerLockKey = (schema: string) => `endure:owner:${schema}`;

function lockedMessage(where: string, h: SchemaHolder): string {
  if (h.cluster) {
    const nodes = h.cluster.length > 0 ? ` (nodes at ${h.cluster.join(', ')})` : '';
    return `${where} is shared by a cluster of Endure servers${nodes}, and a single engine cannot write it while they do: connect to one of the cluster's servers, open the store shared (shared: true) to join it, or use another schema (?schema=name)`;
  }
  if (h.server) {
    return `${where} is in use by the Endure server at ${h.server} (process ${h.pid} on ${h.host}): connect to that server instead (ENDURE_ADDRESS=${h.server}, or pass it as --address or Connection.connect({ address })), or use another schema (?schema=name)`;
  }
  const who = h.pid === undefined ? 'another process' : `process ${h.pid} on ${h.host}${h.program ? ` (${h.program})` : ''}`;
  const stop = h.pid === undefined ? '' : `, stop process ${h.pid}`;
  return `${where} is in use by ${who}, and it owns the PostgreSQL schema alone (a single engine, not a cluster): to share it, serve it with \`endure server --db <this address>\` and connect every process to that server${stop}, or use another schema (?schema=name)`;
}

export class SchemaLockedError extends Error {
  override name = 'SchemaLockedError';
  declare readonly where: string;
  declare readonly holder: SchemaHolder;

  constructor(where: string, holder: SchemaHolder = {}) {
    super(lockedMessage(where, holder));
    // Not enumerable: an uncaught one prints as its message alone.
    Object.defineProperty(this, 'where', { value: where, enumerable: false });
    Object.defineProperty(this, 'holder', { value: holder, enumerable: false });
  }
}

/**
 * Takes the schema lock on the writer's session (alone, or in share mode), trying for up to
 * `timeoutMs` (a process that was just killed holds it until the server notices its session
 * ended). Throws SchemaLockedError naming the holder.
 */
export async function claimOwnerLock(writer: Sql, schema: string, where: string, timeoutMs: number, mode: LockMode = 'exclusive'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await writer<{ ok: boolean }[]>`SELECT ${writer.unsafe(TRY_LOCK[mode])}(hashtext(${ownerLockKey(schema)})) AS ok`;
    if (row?.ok) return;
    if (performance.now() >= deadline) throw new SchemaLockedError(where, await readHolder(writer, schema));
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Records this process as the owner (called once the schema exists and the lock is ours). */
export async function writeOwnerRow(writer: Sql, server?: string): Promise<void> {
  const program = process.argv[1] ?? null;
  await writer`
    INSERT INTO owner (id, pid, host, program, server, backend_pid, since)
    VALUES (true, ${process.pid}, ${hostname()}, ${program}, ${server ?? null}, pg_backend_pid(), now())
    ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, program = excluded.program,
      server = excluded.server, backend_pid = excluded.backend_pid, since = excluded.since`;
}

/** The function taking the session lock in each mode. */
const TRY_LOCK: Record<LockMode, string> = { exclusive: 'pg_try_advisory_lock', shared: 'pg_try_advisory_lock_shared' };

/**
 * Who holds the lock: a cluster if it is held in share mode (with its live nodes), else the owner
 * row, if the session it names still holds an advisory lock.
 */
async function readHolder(sql: Sql, schema: string): Promise<SchemaHolder> {
  try {
    // A bigint advisory key shows in pg_locks as its high (classid) and low (objid) halves.
    const [shared] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND objsubid = 1 AND mode = 'ShareLock' AND granted
        AND ((classid::bigint << 32) | objid::bigint) = hashtext(${ownerLockKey(schema)})::bigint`;
    if (shared && shared.n > 0) return { cluster: await liveNodes(sql) };
  } catch {
    // pg_locks unreadable: fall back to the owner row.
  }
  try {
    const [row] = await sql<{ pid: number; host: string; program: string | null; server: string | null }[]>`
      SELECT pid, host, program, server FROM owner o
      WHERE EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = o.backend_pid AND l.locktype = 'advisory' AND l.granted)`;
    if (!row) return {};
    return { pid: row.pid, host: row.host, ...(row.program ? { program: row.program } : {}), ...(row.server ? { server: row.server } : {}) };
  } catch {
    // No owner table yet (the holder is still creating the schema): the holder is unknown.
    return {};
  }
}

/** The addresses of the cluster's nodes whose heartbeat has not run out. */
async function liveNodes(sql: Sql): Promise<string[]> {
  try {
    const rows = await sql<{ address: string }[]>`
      SELECT address FROM cluster_nodes WHERE expires_at > extract(epoch from clock_timestamp()) * 1000 ORDER BY address`;
    return rows.map((r) => r.address);
  } catch {
    return []; // no cluster_nodes table yet: the nodes are unknown
  }
}
