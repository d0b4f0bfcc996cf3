import type { EngineApi } from '@endure/protocol';
import { EngineConnection as BaseConnection } from '@endure/transport';

/** The worker's connection (Temporal's NativeConnection); `sqlite:<file>` runs the engine in-process. */
export class NativeConnection extends BaseConnection {}

/** Anything that reaches an engine: a NativeConnection or a client Connection. */
export interface EngineConnection {
  readonly engine: EngineApi;
}
