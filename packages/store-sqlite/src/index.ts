export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { DatabaseLockedError, recordServerUrl, canonicalPath, type DatabaseHolder } from './lock.js';
export { LATEST_SCHEMA_VERSION, SchemaVersionError } from './migrations.js';
export type { WriteStats } from './write-batcher.js';
export { bulkLoadWorkflows, type BulkLoadOptions } from './bulk-load.js';
