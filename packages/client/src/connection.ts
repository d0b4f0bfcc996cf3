import { checkOptions, optionTable } from '@endure/common';
import { EngineConnection, type ConnectOptions } from '@endure/transport';
import { deadlineMs, withCallContext } from './call-context.js';

export type { TLSConfig, Metadata } from '@endure/transport';

const NO_GRPC = 'Endure servers speak HTTP/JSON, not gRPC';

/**
 * Temporal's ConnectionOptions. Those Endure honours are typed; those it does not are typed
 * `never`, so passing one fails to compile, and at run time it is refused by name.
 */
export interface ConnectionOptions extends ConnectOptions {
  /** Not supported: gRPC channel credentials. For TLS use `tls`; for a key, `apiKey`. */
  credentials?: never;
  /** Not supported: gRPC call credentials. Send a key with `apiKey`, other headers with `metadata`. */
  callCredentials?: never;
  /** Not supported: gRPC channel arguments (there is no gRPC channel). */
  channelArgs?: never;
  /** Not supported: gRPC interceptors. Client calls are retried by Endure's transport (see ARCHITECTURE.md, Server mode). */
  interceptors?: never;
  /** Not supported: Endure connects lazily (the first call reaches the server), so there is no connect step to time. */
  connectTimeout?: never;
  /** Not supported: connection plugins. */
  plugins?: never;
  /** Not supported: HTTP CONNECT proxies. */
  proxy?: never;
}

const SHOWN_IN = 'packages/integration/test/connect-options.test.ts';

/** How Endure treats each of Temporal's ConnectionOptions (the options-table test walks it). */
export const CONNECTION_OPTIONS_TABLE = optionTable<ConnectionOptions>('ConnectionOptions', 'Connection.connect', {
  address: { honoured: 'packages/integration/test/connect-default-address.test.ts' },
  tls: { honoured: SHOWN_IN },
  apiKey: { honoured: 'packages/server/test/http-security.test.ts' },
  metadata: { honoured: SHOWN_IN },
  embedded: { honoured: 'packages/integration/test/start.test.ts' },
  credentials: { refused: `${NO_GRPC}: for TLS pass tls (a TLSConfig), for a key apiKey` },
  callCredentials: { refused: `${NO_GRPC}: send a key with apiKey, other headers with metadata` },
  channelArgs: { refused: `${NO_GRPC}, so there is no channel to configure` },
  interceptors: { refused: `${NO_GRPC}; calls are retried by the transport itself (requests carry idempotency keys)` },
  connectTimeout: { refused: 'Endure connects lazily: the first call reaches the server, and fails at once if the address never answered' },
  plugins: { refused: 'connection plugins are not implemented' },
  proxy: { refused: 'HTTP CONNECT proxies are not implemented; connect to the server (or a reverse proxy in front of it) directly' },
});

/** The client's connection to an engine (Temporal's Connection); only the address picks the deployment. */
export class Connection extends EngineConnection {
  /** Opens a connection; see {@link ConnectionOptions}. A server connection sends nothing until the first call. */
  static async connect(options?: ConnectionOptions): Promise<Connection> {
    checkOptions('Connection.connect', 'ConnectionOptions', options, CONNECTION_OPTIONS_TABLE);
    return new this(await this.openTransportFor('Connection.connect', options, Connection.connect));
  }

  /**
   * A connection that opens on its first call, as Temporal's Connection.lazy: what `new Client()`
   * without a connection uses (ENDURE_ADDRESS, else localhost:7233). Options are checked now.
   */
  static lazy(options?: ConnectionOptions): Connection {
    checkOptions('Connection.lazy', 'ConnectionOptions', options, CONNECTION_OPTIONS_TABLE);
    return new this(this.lazyTransportFor('Connection.lazy', options, Connection.lazy));
  }

  /**
   * Runs `fn` with a deadline (a Date, or epoch milliseconds) for every call it makes, as
   * Temporal's Connection.withDeadline: a wait (a result, an update waiting for a worker) ends by
   * then, and a call after it fails with DEADLINE_EXCEEDED. An update that has not reached its
   * stage by then rejects with WorkflowUpdateRPCTimeoutOrCancelledError; the update itself is not
   * cancelled. Nested deadlines: the earlier one counts. (Clients made on this connection share
   * the scope: client.withDeadline is the same thing.)
   */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ deadline: deadlineMs(deadline, 'connection.withDeadline') }, fn);
  }

  /** Runs `fn` so that its calls end (CANCELLED) when `signal` aborts, as Temporal's Connection.withAbortSignal. */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ signal }, fn);
  }
}
