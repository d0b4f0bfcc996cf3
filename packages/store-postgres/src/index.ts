export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { SchemaLockedError, type SchemaHolder } from './owner-lock.js';
export { LATEST_SCHEMA_VERSION, SchemaVersionError, migrate } from './migrations.js';
export { isPostgresAddress, parsePostgresAddress, DEFAULT_SCHEMA, type PostgresAddress } from './address.js';
export { StorageOutcomeUnknownError, OwnershipLostError, type WriteStats } from './write-batcher.js';
