// Where `endure db` commands find a database: `sqlite:<file>`, or `postgres://…` /
// `postgresql://…` through the PostgreSQL store, loaded only when such an address is given so
// that the CLI installs and runs without it.
import { existsSync } from 'node:fs';
import type { Store } from '@endure/storage';
import { SqliteStore, canonicalPath } from '@endure/store-sqlite';
import { CliError, EXIT, usageError } from './exit-codes.js';
import { isPostgresAddress } from '@endure/protocol';

/** `text` is the address as messages show it: a PostgreSQL password is masked. */
export type StoreAddress = { kind: 'sqlite'; path: string; text: string } | { kind: 'postgres'; url: string; text: string };

const PG_PACKAGE = '@endure/store-postgres';
const EXAMPLES = "'sqlite:./endure.db' or 'postgres://user@host:5432/database'";

/** The address as messages show it: a password in it (`//user:password@`) masked. */
const shown = (address: string): string => address.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Reads the address given to `flag`; a usage error names the flag, the address and the forms it takes. */
export function parseStoreAddress(flag: string, address: string): StoreAddress {
  if (address.startsWith('sqlite:')) {
    const path = address.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw usageError(`${flag} ${address} names no file: write e.g. 'sqlite:./endure.db'`);
    return { kind: 'sqlite', path, text: address };
  }
  if (isPostgresAddress(address)) return { kind: 'postgres', url: address, text: shown(address) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address)?.[1];
  const what = scheme ? `has the scheme '${scheme}:', which is no database` : 'is no database address';
  throw usageError(`${flag} ${shown(address)} ${what}: use ${EXAMPLES}`);
}

/** Whether two addresses name the same database (a copy onto itself is refused before opening). */
export function sameDatabase(a: StoreAddress, b: StoreAddress): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return canonicalPath(a.path) === canonicalPath(b.path);
  return a.kind === 'postgres' && b.kind === 'postgres' && pgKey(a.url) === pgKey(b.url);
}

/** A PostgreSQL address without its scheme's spelling, and with its schema (default `endure`) made explicit. */
function pgKey(url: string): string {
  let u: URL;
  try {
    u = new URL(url.replace(/^postgres(ql)?:/i, 'postgres:'));
  } catch {
    return url; // not a URL: opening it will say so
  }
  const schema = u.searchParams.get('schema') ?? 'endure';
  u.searchParams.delete('schema');
  return `${u.toString()}#${schema}`;
}

/**
 * Opens the store at `a`, as its only owner (a database an engine holds is refused with the
 * store's own locked-database message). `mustExist`: a SQLite file that is not there is an error
 * rather than a new empty database.
 */
export async function openStoreAt(a: StoreAddress, mustExist: boolean): Promise<Store> {
  if (a.kind === 'sqlite') {
    if (mustExist && !existsSync(a.path)) throw new CliError(`database ${a.path} does not exist (from ${a.text})`, EXIT.FAILED);
    return SqliteStore.open(a.path);
  }
  return (await loadPostgres()).PostgresStore.open(a.url);
}

interface PostgresModule {
  PostgresStore: { open(url: string): Promise<Store> };
}

async function loadPostgres(): Promise<PostgresModule> {
  let mod: Partial<PostgresModule>;
  try {
    mod = (await import(PG_PACKAGE)) as Partial<PostgresModule>;
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && typeof e.message === 'string' && e.message.includes(PG_PACKAGE);
    if (!missing) throw err;
    throw new CliError(`a 'postgres://' address needs the PostgreSQL store, package ${PG_PACKAGE}, which is not installed: npm install ${PG_PACKAGE}`, EXIT.FAILED);
  }
  if (typeof mod.PostgresStore?.open !== 'function') throw new CliError(`${PG_PACKAGE} is installed but has no PostgresStore.open: install the version that matches @endure/server`, EXIT.FAILED);
  return mod as PostgresModule;
}
