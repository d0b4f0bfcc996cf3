// @endure/embedded: the engine in this process, on a SQLite file or a PostgreSQL schema.
// @endure/transport loads this package only when a `sqlite:` or `postgres://` address is opened,
// so a client that talks HTTP never loads the engine, the native SQLite module or a database driver.
export { openEmbeddedTransport, type EmbeddedTransport, type EmbeddedEngineOptions } from './embedded-transport.js';
export type { Clock, Engine, EngineHealth } from '@endure/engine';
