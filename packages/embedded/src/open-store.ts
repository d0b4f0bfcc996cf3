// The database an embedded engine runs on: a SQLite file (`sqlite:` addresses hand over its
// path) or a PostgreSQL schema (`postgres://` / `postgresql://` addresses, handed over whole).
// @endure/store-postgres is loaded only for the latter, so SQLite users never load its driver.
import { resolve } from 'node:path';
import { isPostgresAddress } from '@endure/protocol';
import type { Store } from '@endure/storage';
import { SqliteStore, canonicalPath, recordServerUrl } from '@endure/store-sqlite';

export interface OpenedStore {
  store: Store;
  /** Tells whoever tries to open this database next that the endure server at `url` serves it. */
  recordServerUrl(url: string): Promise<void>;
}

/**
 * One name per database, so two spellings of it meet the same engine: the file's canonical path
 * (symlinks, `..`; where it cannot be read, the store's open says why), or the PostgreSQL
 * address as parsed, with its schema.
 */
export async function databaseKey(target: string): Promise<string> {
  if (isPostgresAddress(target)) {
    const { parsePostgresAddress } = await import('@endure/store-postgres');
    const a = parsePostgresAddress(target);
    // postgres:// and postgresql:// are one scheme: the same database whichever is written.
    return `${a.url.replace(/^postgresql:/i, 'postgres:')}#${a.schema}`;
  }
  try {
    return canonicalPath(target);
  } catch {
    return resolve(target);
  }
}

export interface OpenStoreOptions {
  /**
   * Open the database as one node of a cluster, sharing it with other nodes (PostgreSQL only:
   * see PostgresStoreOptions.shared). Default false: this process owns the database alone.
   */
  shared?: boolean;
}

export async function openStore(target: string, key: string, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (isPostgresAddress(target)) {
    const { PostgresStore } = await import('@endure/store-postgres');
    const store = await PostgresStore.open(target, { shared: opts.shared === true });
    // A cluster's nodes name themselves in the store (heartbeatNode), not as its one owner.
    if (opts.shared) return { store, recordServerUrl: () => Promise.resolve() };
    return { store, recordServerUrl: (url) => store.recordServerUrl(url) };
  }
  if (opts.shared) {
    // One process owns a SQLite file (its lock, its group commit); nodes on other machines cannot share a file at all.
    throw new Error(`database ${target} is a SQLite file, which cannot be shared by several nodes (shared: true): use a PostgreSQL address (postgres://host/database?schema=name) for a cluster, or open the file unshared`);
  }
  const store = await SqliteStore.open(key);
  return {
    store,
    recordServerUrl: (url) => {
      recordServerUrl(key, url);
      return Promise.resolve();
    },
  };
}

/** How messages show the database: a PostgreSQL address without its password. */
export function displayTarget(target: string): string {
  return isPostgresAddress(target) ? target.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') : target;
}
