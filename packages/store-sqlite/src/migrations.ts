// Versioned schema migrations, tracked in PRAGMA user_version and applied at open.
import type Database from 'better-sqlite3';
import { V1_SCHEMA, V2_SCHEMA, V3_SCHEMA, V4_SCHEMA, V5_SCHEMA, V7_SCHEMA } from './schema.js';
import { moveRunProperties } from './move-run-properties.js';

export interface Migration {
  /** The user_version the database has after this step; steps are numbered 1, 2, 3, ... */
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'initial schema', up: (db) => db.exec(V1_SCHEMA) },
  { version: 2, description: 'listing indexes, search attributes, namespaces', up: (db) => db.exec(V2_SCHEMA) },
  { version: 3, description: 'task-token signing keys', up: (db) => db.exec(V3_SCHEMA) },
  { version: 4, description: 'API keys', up: (db) => db.exec(V4_SCHEMA) },
  { version: 5, description: 'checksums of history events and run records', up: (db) => db.exec(V5_SCHEMA) },
  { version: 6, description: 'run properties apart from the run state', up: moveRunProperties },
  { version: 7, description: 'shard leases and cluster nodes', up: (db) => db.exec(V7_SCHEMA) },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `database ${path} has schema version ${found}, but this version of @endure/store-sqlite supports up to version ${supported}; upgrade Endure to open it`,
    );
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws SchemaVersionError if the file was written by a newer version of this package. */
export function assertKnownVersion(db: Database.Database, path: string, latest = LATEST_SCHEMA_VERSION): void {
  const found = schemaVersion(db);
  if (found > latest) throw new SchemaVersionError(path, found, latest);
}

/**
 * Brings the database to the latest version in one IMMEDIATE transaction: a crash mid-way leaves
 * the old version intact. Also run when nothing is pending, which takes the write lock at open.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const run = db.transaction(() => {
    assertKnownVersion(db, path, latest);
    const current = schemaVersion(db);
    for (const m of migrations.slice(current)) {
      m.up(db);
      // user_version lives in the file header, so this is rolled back with the transaction.
      db.pragma(`user_version = ${m.version}`);
    }
    return latest;
  });
  return run.immediate();
}
