import type { EngineApi } from '@endure/protocol';
import { checkOptions, optionTable } from '@endure/common';
import { EngineConnection as BaseConnection, type ConnectOptions } from '@endure/transport';

export type { TLSConfig } from '@endure/transport';

const NO_GRPC = 'Endure servers speak HTTP/JSON, not gRPC';

/**
 * Temporal's NativeConnectionOptions. Those Endure honours are typed; those it does not are
 * typed `never`, so passing one fails to compile, and at run time it is refused by name.
 */
export interface NativeConnectionOptions extends ConnectOptions {
  /** Temporal's worker connection takes the key as a string only. */
  apiKey?: string;
  /** Not supported: HTTP CONNECT proxies. */
  proxy?: never;
  /** Not supported: DNS load balancing across a host's addresses. */
  dnsLoadBalancingConfig?: never;
  /** Not supported: gRPC compression. */
  grpcCompression?: never;
  /** Not supported: the worker emits no request metrics to tag. */
  disableErrorCodeMetricTags?: never;
  /** Not supported: payload warnings; the engine refuses payloads over its `maxPayloadBytes` instead. */
  payloadLimits?: never;
  /** Not supported: connection plugins. */
  plugins?: never;
}

const SHOWN_IN = 'packages/integration/test/connect-options.test.ts';

/** How Endure treats each of Temporal's NativeConnectionOptions (the options-table test walks it). */
export const NATIVE_CONNECTION_OPTIONS_TABLE = optionTable<NativeConnectionOptions>('NativeConnectionOptions', 'NativeConnection.connect', {
  address: { honoured: 'packages/integration/test/connect-default-address.test.ts' },
  tls: { honoured: SHOWN_IN },
  apiKey: { honoured: 'packages/integration/test/connect-options.test.ts' },
  metadata: { honoured: SHOWN_IN },
  embedded: { honoured: 'packages/integration/test/start.test.ts' },
  proxy: { refused: 'HTTP CONNECT proxies are not implemented; connect to the server (or a reverse proxy in front of it) directly' },
  dnsLoadBalancingConfig: { refused: 'DNS load balancing is not implemented; put a load balancer in front of the servers' },
  grpcCompression: { refused: `${NO_GRPC}, so there is no gRPC compression to configure` },
  disableErrorCodeMetricTags: { refused: 'the worker emits no request metrics, so there are no tags to disable' },
  payloadLimits: { refused: "payload size warnings are not implemented; the engine refuses payloads over its limit (embedded.maxPayloadBytes, default 2 MB) and names it" },
  plugins: { refused: 'connection plugins are not implemented' },
});

/** The worker's connection (Temporal's NativeConnection); `sqlite:<file>` runs the engine in-process. */
export class NativeConnection extends BaseConnection {
  /** Opens a connection; see {@link NativeConnectionOptions}. A server connection sends nothing until the first call. */
  static async connect(options?: NativeConnectionOptions): Promise<NativeConnection> {
    checkOptions('NativeConnection.connect', 'NativeConnectionOptions', options, NATIVE_CONNECTION_OPTIONS_TABLE);
    return new this(await this.openTransportFor('NativeConnection.connect', options, NativeConnection.connect));
  }
}

/** Anything that reaches an engine: a NativeConnection or a client Connection. */
export interface EngineConnection {
  readonly engine: EngineApi;
}
