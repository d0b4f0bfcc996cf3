import type { EngineApi } from '@endure/protocol';
import { parseAddress } from './address.js';
import { openEmbeddedEngine } from './embedded-loader.js';
import { openHttp } from './http.js';
import { openClusterHttp } from './cluster-http.js';
import type { HttpOptions } from './http-caller.js';

export { defaultAddress, parseAddress, AddressError, DEV_SERVER_ADDRESS, DEV_SERVER_PORT, type ParsedAddress } from './address.js';
export type { HttpOptions } from './http-caller.js';
export { EmbeddedEngineMissingError } from './embedded-loader.js';

export interface Transport {
  readonly address: string;
  readonly api: EngineApi;
  close(): Promise<void>;
}

/**
 * The engine's clock: the same shape as @endure/engine's Clock (the compiler checks that they
 * agree where these options reach the engine), declared here so that an HTTP-only install, which
 * has no engine, still type-checks.
 */
export interface Clock {
  now(): number;
  /** Calls fn after ms; returns a cancel function. `keepAlive`: the wait keeps the process alive. */
  schedule(ms: number, fn: () => void, keepAlive?: boolean): () => void;
}

/** Settings of the in-process engine, used by whichever connection opens it first. */
export interface EmbeddedOptions {
  /** Largest payload accepted (arguments, results, details), in bytes. Default 2 MB. */
  maxPayloadBytes?: number;
  /** The engine's clock (a virtual one in time-skipping tests). Default: the system clock. */
  clock?: Clock;
  /** How far ahead durable timers are held in memory (time-skipping tests jump far). Default 60 s. */
  timerHorizonMs?: number;
}

/**
 * Connects to an engine by address: `sqlite:<file>` or `postgres://…` opens (or joins) the
 * in-process engine (@endure/embedded, loaded only then); `http://host:port` / `https://host:port` talks to an
 * endure server, and a comma-separated list of them to the servers of one cluster: each request to
 * the node it belongs to when the cluster says which, else to whichever of the listed servers answers.
 */
export async function openTransport(address: string, embedded: EmbeddedOptions = {}, remote: HttpOptions = {}): Promise<Transport> {
  const parsed = parseAddress(address);
  if (parsed.kind === 'http' && parsed.baseUrls.length > 1) {
    // The nodes of a cluster: each request sent to the node it belongs to (cluster-http.ts).
    const c = openClusterHttp(parsed.baseUrls, remote);
    return { address, api: c.api, close: () => c.close() };
  }
  if (parsed.kind === 'http') {
    const h = openHttp(parsed.baseUrls, remote);
    return { address, api: h.api, close: async () => h.close() };
  }
  const t = await openEmbeddedEngine(parsed.kind === 'sqlite' ? parsed.path : parsed.url, embedded);
  return { address, api: t.api, close: () => t.close() };
}

export { EngineConnection } from './connection-base.js';
export { resolveConnectOptions, TLS_CONFIG_TABLE, type ConnectOptions, type TLSConfig, type Metadata } from './connect-options.js';
export { localhostFirstLookup } from './http-agent.js';
export { fromCaller } from './caller-stack.js';
export { openHttp, type HttpEngine } from './http.js';
export { HttpCaller } from './http-caller.js';
