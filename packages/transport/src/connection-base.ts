import type { EngineApi } from '@endure/protocol';
import { defaultAddress } from './address.js';
import { openTransport, type EmbeddedOptions, type Transport } from './index.js';
import { fromCaller } from './caller-stack.js';

export interface ConnectOptions {
  /**
   * `sqlite:./endure.db` (embedded, the default, or ENDURE_ADDRESS), or an endure server:
   * `http://127.0.0.1:8233`, `https://host:8233`.
   */
  address?: string;
  /** For server addresses: the API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** For https:// addresses: certificate authorities to trust (PEM), e.g. a self-signed server certificate. */
  tls?: { ca?: string | Buffer | (string | Buffer)[] };
  /** For `sqlite:` addresses: settings of the in-process engine (the first connection's apply). */
  embedded?: EmbeddedOptions;
}

/**
 * A connection to an Endure engine; which deployment depends only on the address. The client's
 * Connection and the worker's NativeConnection are this class under Temporal's two names.
 */
export class EngineConnection {
  /** Use the static connect(); the constructor takes an already open transport. */
  constructor(private readonly transport: Transport) {}

  /** Opens a connection of the calling class (Connection.connect() returns a Connection). */
  static async connect<T extends EngineConnection>(this: new (t: Transport) => T, opts: ConnectOptions = {}): Promise<T> {
    const remote = { ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}), ...(opts.tls ? { tls: opts.tls } : {}) };
    try {
      return new this(await openTransport(opts.address ?? defaultAddress(), opts.embedded, remote));
    } catch (err) {
      throw await fromCaller(err, EngineConnection.connect);
    }
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
