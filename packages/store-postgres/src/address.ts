// A PostgreSQL address as Endure takes it: a libpq-style URL, plus the schema the store lives in
// (`?schema=name`, default `endure`), so several stores (or tests) share one database apart.
import { isPostgresAddress } from '@endure/protocol';

export { isPostgresAddress };
export const DEFAULT_SCHEMA = 'endure';

export interface PostgresAddress {
  /** The URL handed to the driver, without Endure's own `schema` parameter. */
  url: string;
  schema: string;
  /** The URL without its password, for messages. */
  display: string;
}

/** Lower case, so it needs no quoting anywhere (the startup packet's search_path included). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;


/**
 * Parses `postgres://user@host:5432/db?schema=x`. `schema` (an option) wins over the URL's
 * parameter. Throws, naming the part to fix, for anything else.
 */
export function parsePostgresAddress(address: string, schema?: string): PostgresAddress {
  if (!isPostgresAddress(address)) throw new Error(`'${address}' is not a PostgreSQL address: use postgres://[user@]host[:port]/database[?schema=name]`);
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    throw new Error(`'${redact(address)}' is not a valid URL: use postgres://[user@]host[:port]/database[?schema=name]`);
  }
  const fromUrl = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  const chosen = schema ?? fromUrl ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(chosen)) {
    throw new Error(`schema '${chosen.slice(0, 100)}' is not a valid schema name for Endure: use 1 to 63 lower-case letters, digits and underscores, starting with a letter or underscore`);
  }
  const url = u.toString();
  return { url, schema: chosen, display: `${redact(url)}${url.includes('?') ? '&' : '?'}schema=${chosen}` };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** A schema name as an SQL identifier (already checked against SCHEMA_NAME; quoted anyway). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
