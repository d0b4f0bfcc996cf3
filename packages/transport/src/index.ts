import type { EngineApi } from '@endure/protocol';
import type { Clock } from '@endure/engine';
import { parseAddress } from './address.js';
import { openEmbedded } from './embedded.js';

export { defaultAddress, parseAddress, AddressError } from './address.js';

export interface Transport {
  readonly address: string;
  readonly api: EngineApi;
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

export type { Clock };

/** Connects to an engine by address: `sqlite:<file>` opens (or joins) the in-process engine. */
export async function openTransport(address: string, embedded: EmbeddedOptions = {}): Promise<Transport> {
  const parsed = parseAddress(address);
  if (embedded.maxPayloadBytes !== undefined && !(Number.isInteger(embedded.maxPayloadBytes) && embedded.maxPayloadBytes > 0)) {
    throw new TypeError(`embedded.maxPayloadBytes must be a positive whole number of bytes, got ${embedded.maxPayloadBytes}`);
  }
  const h = await openEmbedded(parsed.path, embedded);
  return { address, api: h.api, close: () => h.close() };
}

export { EngineConnection, type ConnectOptions } from './connection-base.js';
