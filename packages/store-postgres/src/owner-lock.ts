// Single ownership of a schema, until the cluster (shard leases) lands: the engine keeps runs in
// memory as the truth, so two engines on one schema would overwrite each other.
//
// The lock is a session-level advisory lock held by the writer's connection for the store's
// lifetime, so every write travels on the session that holds it, and PostgreSQL drops it when that
// session ends (close, crash, kill -9, lost network). The `owner` row only says who holds it,
// for the error a second opener sees.
import { hostname } from 'node:os';
import type { Sql } from './connect.js';

export interface SchemaHolder {
  pid?: number;
  host?: string;
  program?: string;
  /** The URL of the endure server serving this schema, when that is what owns it. */
  server?: string;
}

export const ownerLockKey = (schema: string) => `endure:owner:${schema}`;

function lockedMessage(where: string, h: SchemaHolder): string {
  if (h.server) {
    return `${where} is in use by the Endure server at ${h.server} (process ${h.pid} on ${h.host}): connect to that server instead (ENDURE_ADDRESS=${h.server}, or pass it as --address or Connection.connect({ address })), or use another schema (?schema=name)`;
  }
  const who = h.pid === undefined ? 'another process' : `process ${h.pid} on ${h.host}${h.program ? ` (${h.program})` : ''}`;
  const stop = h.pid === undefined ? '' : `, stop process ${h.pid}`;
  return `${where} is in use by ${who}, and one process owns a PostgreSQL schema (until cluster mode): to share it, serve it with \`endure server --db <this address>\` and connect every process to that server${stop}, or use another schema (?schema=name)`;
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
 * Takes the owner lock on the writer's session, trying for up to `timeoutMs` (a process that was
 * just killed holds it until the server notices its session ended). Throws SchemaLockedError
 * naming the holder.
 */
export async function claimOwnerLock(writer: Sql, schema: string, where: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await writer<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(hashtext(${ownerLockKey(schema)})) AS ok`;
    if (row?.ok) return;
    if (performance.now() >= deadline) throw new SchemaLockedError(where, await readHolder(writer));
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

/** Who holds the lock: the owner row, if the session it names still holds an advisory lock. */
async function readHolder(sql: Sql): Promise<SchemaHolder> {
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
