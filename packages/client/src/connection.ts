import type { EngineApi } from '@endure/protocol';
import { defaultAddress, openTransport, type EmbeddedOptions, type Transport } from '@endure/transport';

export interface ConnectionOptions {
  /** `sqlite:./endure.db` (embedded, the default). */
  address?: string;
  apiKey?: string;
  /** For `sqlite:` addresses: settings of the in-process engine (the first connection's apply). */
  embedded?: EmbeddedOptions;
}

/** A connection to an Endure engine; which deployment it is depends only on the address. */
export class Connection {
  private constructor(private readonly transport: Transport) {}

  static async connect(opts: ConnectionOptions = {}): Promise<Connection> {
    return new Connection(await openTransport(opts.address ?? defaultAddress(), opts.embedded));
  }

  get address(): string {
    return this.transport.address;
  }

  /** The engine API this connection talks to (used by Client and Worker). */
  get engine(): EngineApi {
    return this.transport.api;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
