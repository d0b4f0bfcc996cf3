// The connection options the client's Connection and the worker's NativeConnection share, with
// Temporal's names and meanings, resolved once into what the transport needs: the address with
// its scheme settled, and the HTTP options (API key, TLS, headers). Each class refuses the
// Temporal options it does not honour through its own table before it gets here.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { checkOptions, optionTable } from '@endure/common';
import { AddressError, defaultAddress, parseAddress } from './address.js';
import type { AgentTls } from './http-agent.js';
import type { HttpOptions } from './http-caller.js';
import type { EmbeddedOptions } from './index.js';

/** Temporal's TLSConfig: what an https connection trusts and presents. */
export interface TLSConfig {
  /** The name sent as SNI and checked against the server's certificate instead of the address's host. */
  serverNameOverride?: string;
  /** Certificate authority (PEM) to trust instead of the system's, e.g. a private CA or a self-signed server certificate. */
  serverRootCACertificate?: Buffer;
  /** Client certificate and key (PEM) for servers or proxies that require one (mTLS). */
  clientCertPair?: { crt: Buffer; key: Buffer };
  /** Endure's earlier name for `serverRootCACertificate`; one or several PEM certificates. */
  ca?: string | Buffer | (string | Buffer)[];
}

/** Temporal's gRPC metadata; sent as HTTP headers on every request. */
export type Metadata = Record<string, string>;

/** The options both connection classes honour. */
export interface ConnectOptions {
  /**
   * Where the engine is: `host:port` (Temporal's form, an endure server; port 7233 if left out),
   * `http(s)://host:port`, or `sqlite:<file>` for the engine in this process. Default: the
   * ENDURE_ADDRESS environment variable, else `localhost:7233` (`endure server start-dev`).
   */
  address?: string;
  /**
   * TLS for a server address (Temporal's option): `true` or a {@link TLSConfig} connects with
   * https, `false` without. Left out, an address without a scheme uses TLS exactly when an
   * `apiKey` is given (Temporal's rule); an `https://` or `http://` address says it itself.
   */
  tls?: TLSConfig | boolean | null;
  /** Sent as `Authorization: Bearer <apiKey>`; a function is called for each request. */
  apiKey?: string | (() => string);
  /** Headers sent with every request (Temporal's gRPC metadata), e.g. for a proxy in front of the server. */
  metadata?: Metadata;
  /** For `sqlite:` and `postgres://` addresses: settings of the in-process engine (the first connection's apply). */
  embedded?: EmbeddedOptions;
}

/** A repository file that shows these options working (the options-table test checks it exists). */
const SHOWN_IN = 'packages/integration/test/connect-options.test.ts';

export const TLS_CONFIG_TABLE = optionTable<TLSConfig>('TLSConfig', 'Connection.connect / NativeConnection.connect (tls)', {
  serverNameOverride: { honoured: SHOWN_IN },
  serverRootCACertificate: { honoured: SHOWN_IN },
  clientCertPair: { honoured: SHOWN_IN },
  ca: { honoured: 'packages/server/test/http-security.test.ts' },
});

/** What the transport needs: an address with its scheme decided, and how to talk to it. */
export interface ResolvedConnect {
  address: string;
  embedded?: EmbeddedOptions;
  remote: HttpOptions;
}

/** Headers the transport writes itself; metadata may not replace them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'accept', 'host', 'connection', 'transfer-encoding', 'keep-alive', 'te', 'upgrade']);

function headersOf(where: string, metadata: unknown, apiKeyGiven: boolean): Record<string, string> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError(`${where}: metadata must be an object of header names to string values, got ${Array.isArray(metadata) ? 'an array' : typeof metadata}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (typeof value !== 'string') {
      throw new TypeError(`${where}: metadata '${name}' must be a string; binary (Buffer) metadata has no place in Endure's HTTP/JSON requests`);
    }
    if (RESERVED_HEADERS.has(lower)) throw new TypeError(`${where}: metadata '${name}' is a header the transport sets itself; leave it out`);
    if (lower === 'authorization' && apiKeyGiven) {
      throw new TypeError(`${where}: both apiKey and an 'authorization' metadata header were given; only one makes sense at a time`);
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (err) {
      throw new TypeError(`${where}: metadata '${name}' cannot be sent as an HTTP header: ${(err as Error).message}`);
    }
    headers[lower] = value;
  }
  return headers;
}

function pem(where: string, name: string, value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${where}: tls.${name} must be PEM text in a Buffer, got ${value === null ? 'null' : typeof value}`);
}

function agentTls(where: string, tls: TLSConfig): AgentTls {
  checkOptions(where, 'TLSConfig', tls, TLS_CONFIG_TABLE);
  const out: AgentTls = {};
  if (tls.serverRootCACertificate !== undefined && tls.ca !== undefined) {
    throw new TypeError(`${where}: tls.serverRootCACertificate and tls.ca are the same setting (ca is Endure's earlier name); give one`);
  }
  if (tls.serverRootCACertificate !== undefined) out.ca = pem(where, 'serverRootCACertificate', tls.serverRootCACertificate);
  if (tls.ca !== undefined) out.ca = tls.ca;
  if (tls.clientCertPair !== undefined) {
    const pair = tls.clientCertPair as Partial<NonNullable<TLSConfig['clientCertPair']>>;
    if (pair?.crt === undefined || pair.key === undefined) throw new TypeError(`${where}: tls.clientCertPair needs both crt and key (PEM)`);
    out.cert = pem(where, 'clientCertPair.crt', pair.crt);
    out.key = pem(where, 'clientCertPair.key', pair.key);
  }
  if (tls.serverNameOverride !== undefined) {
    if (typeof tls.serverNameOverride !== 'string' || tls.serverNameOverride === '') throw new TypeError(`${where}: tls.serverNameOverride must be a host name`);
    out.servername = tls.serverNameOverride;
  }
  return out;
}

/** Checks the shared options and settles the address; errors name the option and the fix. */
export function resolveConnectOptions(where: string, opts: ConnectOptions = {}): ResolvedConnect {
  const { tls, apiKey, metadata, embedded } = opts;
  const address = opts.address ?? defaultAddress();
  if (tls !== undefined && tls !== null && typeof tls !== 'boolean' && typeof tls !== 'object') {
    throw new TypeError(`${where}: tls must be true, false or a TLSConfig object, got ${typeof tls}`);
  }
  if (apiKey !== undefined && typeof apiKey !== 'string' && typeof apiKey !== 'function') {
    throw new TypeError(`${where}: apiKey must be a string or a function returning one, got ${typeof apiKey}`);
  }
  const tlsAsked = tls === true || (typeof tls === 'object' && tls !== null);
  const implied = (tls === undefined || tls === null) && Boolean(apiKey);
  let parsed;
  try {
    parsed = parseAddress(address, tlsAsked || implied ? 'https' : 'http');
  } catch (err) {
    if (err instanceof AddressError) err.message = `${where}: ${err.message}`;
    throw err;
  }
  if (parsed.kind === 'sqlite' || parsed.kind === 'postgres') {
    const serverOnly = [tlsAsked ? 'tls' : '', apiKey ? 'apiKey' : '', metadata !== undefined ? 'metadata' : ''].filter(Boolean);
    if (serverOnly.length > 0) {
      throw new TypeError(`${where}: ${serverOnly.join(', ')} apply to an endure server; '${address}' opens the engine inside this process, which has no network connection to secure or authenticate`);
    }
    return { address, ...(embedded ? { embedded } : {}), remote: {} };
  }
  if (embedded !== undefined) throw new TypeError(`${where}: embedded settings apply to 'sqlite:' and 'postgres://' addresses; the engine at '${address}' runs in its server`);
  if (!parsed.bare && parsed.secure && tls === false) throw new TypeError(`${where}: tls: false contradicts the https:// address '${address}'; use http:// or drop tls`);
  if (!parsed.bare && !parsed.secure && tlsAsked) {
    throw new TypeError(`${where}: tls is set but '${address}' is a plain http:// address; write https://, or just the host and port`);
  }
  const remote: HttpOptions = {
    ...(apiKey ? { apiKey } : {}),
    ...(metadata !== undefined ? { headers: headersOf(where, metadata, Boolean(apiKey)) } : {}),
    ...(typeof tls === 'object' && tls !== null ? { tls: agentTls(where, tls) } : {}),
    ...(parsed.bare && implied ? { tlsImpliedByApiKey: true } : {}),
  };
  return { address: parsed.baseUrls.join(','), remote };
}
