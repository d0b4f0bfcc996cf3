import type { EngineApi } from '@endure/protocol';
import { parseAddress } from './address.js';
import { openEmbedded } from './embedded.js';

export { defaultAddress, parseAddress, AddressError } from './address.js';

export interface Transport {
  readonly address: string;
  readonly api: EngineApi;
  close(): Promise<void>;
}

/** Connects to an engine by address: `sqlite:<file>` opens (or joins) the in-process engine. */
export async function openTransport(address: string): Promise<Transport> {
  const parsed = parseAddress(address);
  const h = await openEmbedded(parsed.path);
  return { address, api: h.api, close: () => h.close() };
}
