// Connections to the database, as the store uses them: one writer (a single session that holds
// the schema lock and commits every write) and a small pool for reads. The driver reconnects on
// the next query after a connection is lost; whether the store goes on is postgres-store.ts's call.
import postgres from 'postgres';
import type { PostgresAddress } from './address.js';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;

export interface ConnectOptions {
  max: number;
  /** PostgreSQL's statement_timeout for the session, in ms: a database that hangs fails a statement instead of hanging it. */
  statementTimeoutMs: number;
  /** Longest a connection attempt may take, in ms: a host that does not answer fails the call instead of hanging it. */
  connectTimeoutMs: number;
  /** Called when a connection closes (other than by `end()`). */
  onclose?: () => void;
}

export function connect(a: PostgresAddress, opts: ConnectOptions): Sql {
  return postgres(a.url, {
    max: opts.max,
    // The writer's session holds the schema lock: it must never be recycled behind our back.
    max_lifetime: null,
    idle_timeout: 0,
    connect_timeout: Math.max(0.001, opts.connectTimeoutMs / 1000),
    onnotice: () => undefined,
    onclose: opts.onclose,
    connection: { search_path: a.schema, application_name: 'endure', statement_timeout: Math.max(1, Math.round(opts.statementTimeoutMs)) },
  });
}

/** SQLSTATE of a server error, or the driver's code for a connection failure. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/**
 * Whether `e` says the connection (not the statement) failed: then whether a COMMIT in flight
 * took effect is unknown. SQLSTATE class 08 is a connection exception, 57P0x the server
 * shutting down; the driver's own codes name lost sockets.
 */
export function isConnectionError(e: unknown): boolean {
  const code = errorCode(e);
  if (code === undefined) return false;
  return CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P');
}

/** Failures to connect: nothing of the call reached the database. (57P03: it is starting up or shutting down.) */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);

/** Whether `e` says no connection could be made, so the call was never sent (its outcome is known: nothing happened). */
export function isUnreachableError(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/**
 * A statement with positional parameters, prepared once per connection. (The driver's parameter
 * types do not describe the arrays it serializes for `$n::type[]`.)
 */
export function query<T extends object[]>(sql: Sql | TxSql, text: string, params: readonly unknown[]) {
  return sql.unsafe<T>(text, params as never[], { prepare: true });
}
