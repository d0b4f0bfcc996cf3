import type { EngineApi } from '@endure/protocol';
import { defaultAddress, openTransport, type EmbeddedOptions, type Transport } from '@endure/transport';

/** The worker's connection (Temporal's NativeConnection); `sqlite:<file>` runs the engine in-process. */
export class NativeConnection {
  private constructor(private readonly transport: Transport) {}

  static async connect(opts: { address?: string; apiKey?: string; embedded?: EmbeddedOptions } = {}): Promise<NativeConnection> {
    return new NativeConnection(await openTransport(opts.address ?? defaultAddress(), opts.embedded));
  }

  get address(): string {
    return this.transport.address;
  }

  get engine(): EngineApi {
    return this.transport.api;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** Anything that reaches an engine: a NativeConnection or a client Connection. */
export interface EngineConnection {
  readonly engine: EngineApi;
}
