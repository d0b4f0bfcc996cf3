// @endure/embedded: the engine in this process, on a SQLite file. @endure/transport loads this
// package only when a `sqlite:` address is opened, so a client that talks HTTP never loads the
// engine or the native SQLite module.
export { openEmbeddedTransport, type EmbeddedTransport, type EmbeddedEngineOptions } from './embedded-transport.js';
export type { Clock, Engine, EngineHealth } from '@endure/engine';
