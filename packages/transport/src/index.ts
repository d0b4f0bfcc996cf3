import type { EngineApi } from '@endure/protocol';
import type { Clock, Engine, EngineHealth } from '@endure/engine';
import { parseAddress } from './address.js';
import { openEmbedded } from './embedded.js';
import { openHttp } from './http.js';
import type { HttpOptions } from './http-caller.js';

export { defaultAddress, parseAddress, AddressError, DEV_SERVER_ADDRESS, DEV_SERVER_PORT, type ParsedAddress } from './address.js';
export type { HttpOptions } from './http-caller.js';

export interface Transport {
  readonly address: string;
  readonly api: EngineApi;
  /** The in-process engine (sqlite: addresses only), for what is not an API operation: the server checks API keys with it. */
  readonly engine?: Engine;
  close(): Promise<void>;
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

export type { Clock, EngineHealth };

/** A transport to the in-process engine, which can also tell the engine's state. */
export interface EmbeddedTransport extends Transport {
  readonly engine: Engine;
  /** Whether the engine takes work: 'failed' after a storage failure (restart the process). */
  health(): EngineHealth;
}

/** Opens (or joins) the in-process engine on the SQLite file `path`. */
export async function openEmbeddedTransport(path: string, embedded: EmbeddedOptions = {}): Promise<EmbeddedTransport> {
  if (embedded.maxPayloadBytes !== undefined && !(Number.isInteger(embedded.maxPayloadBytes) && embedded.maxPayloadBytes > 0)) {
    throw new TypeError(`embedded.maxPayloadBytes must be a positive whole number of bytes, got ${embedded.maxPayloadBytes}`);
  }
  const h = await openEmbedded(path, embedded);
  return { address: `sqlite:${path}`, api: h.api, engine: h.engine, health: h.health, close: () => h.close() };
}

/**
 * Connects to an engine by address: `sqlite:<file>` opens (or joins) the in-process engine;
 * `http://host:port` / `https://host:port` talks to an endure server.
 */
export async function openTransport(address: string, embedded: EmbeddedOptions = {}, remote: HttpOptions = {}): Promise<Transport> {
  const parsed = parseAddress(address);
  if (parsed.kind === 'http') {
    const h = openHttp(parsed.baseUrl, remote);
    return { address, api: h.api, close: async () => h.close() };
  }
  return { ...(await openEmbeddedTransport(parsed.path, embedded)), address };
}

export { EngineConnection } from './connection-base.js';
export { resolveConnectOptions, TLS_CONFIG_TABLE, type ConnectOptions, type TLSConfig, type Metadata } from './connect-options.js';
export { localhostFirstLookup } from './http-agent.js';
export { fromCaller } from './caller-stack.js';
