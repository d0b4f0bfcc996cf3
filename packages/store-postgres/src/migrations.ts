// Versioned schema migrations, recorded in schema_version and applied at open. Each opener runs
// them in one transaction under a transaction-level advisory lock, so processes starting at once
// take turns: the first brings the schema up to date, the others find nothing to do.
import { ident } from './address.js';
import type { Sql } from './connect.js';
import { V1_SCHEMA, V2_SCHEMA } from './schema.js';

export interface Migration {
  /** The version the schema has after this step; steps are numbered 1, 2, 3, ... */
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'initial schema', sql: V1_SCHEMA },
  { version: 2, description: 'shard leases and cluster nodes', sql: V2_SCHEMA },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
  constructor(
    readonly where: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(`${where} has schema version ${found}, but this version of @endure/store-postgres supports up to version ${supported}; upgrade Endure to open it`);
  }
}

/** Brings `schema` (created if missing) to the latest version; returns the version it found. */
export async function migrate(sql: Sql, schema: string, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  return sql.begin(async (tx) => {
    // Keyed by schema: stores in other schemas migrate independently.
    await tx`SELECT pg_advisory_xact_lock(hashtext(${`endure:migrate:${schema}`}))`;
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await tx.unsafe(`SET LOCAL search_path = ${ident(schema)}`);
    await tx.unsafe('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const rows = await tx<{ version: number }[]>`SELECT version FROM schema_version`;
    const found = rows[0]?.version ?? 0;
    if (found > migrations.length) throw new SchemaVersionError(where, found, migrations.length);
    for (const m of migrations.slice(found)) await tx.unsafe(m.sql);
    if (rows.length === 0) await tx`INSERT INTO schema_version (version) VALUES (${migrations.length})`;
    else if (found < migrations.length) await tx`UPDATE schema_version SET version = ${migrations.length}`;
    return found;
  });
}
