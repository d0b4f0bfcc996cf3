import type { EngineApi } from '@endure/protocol';
import { checkOptions, optionTable } from '@endure/common';
import type { Engine, EngineHealth, EngineOptions } from '@endure/engine';
import { openSharedEngine } from './shared-engine.js';
import { isPostgresAddress } from '@endure/protocol';

/**
 * Settings of the in-process engine, used by whichever connection opens it first. The same
 * shape as @endure/transport's EmbeddedOptions, which is checked against it where transport
 * hands its options over.
 */
export type EmbeddedEngineOptions = Pick<EngineOptions, 'maxPayloadBytes' | 'clock' | 'timerHorizonMs'>;

const EMBEDDED_OPTIONS = optionTable<EmbeddedEngineOptions>('EmbeddedOptions', 'embedded engine options', {
  maxPayloadBytes: { honoured: 'packages/integration/test/start.test.ts' },
  clock: { honoured: 'packages/testing/test/time-skipping.test.ts' },
  timerHorizonMs: { honoured: 'packages/engine/test/retention.test.ts' },
});

/** The in-process engine as a transport (@endure/transport's Transport), which can also tell the engine's state. */
export interface EmbeddedTransport {
  readonly address: string;
  /** The engine's operations, each request validated first (the edge for callers in this process). */
  readonly api: EngineApi;
  /**
   * The engine itself: its methods take requests already validated. The server, which validates
   * at its own edge, calls it directly, and checks API keys with it.
   */
  readonly engine: Engine;
  /** Whether the engine takes work: 'failed' after a storage failure (restart the process). */
  health(): EngineHealth;
  /** Records the URL of the endure server serving this database, so a second opener is told to connect there. */
  recordServerUrl(url: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (or joins) the in-process engine on `path`: a SQLite file, or a `postgres://` /
 * `postgresql://` address (a schema of a PostgreSQL database, `?schema=name`, default `endure`).
 */
export async function openEmbeddedTransport(path: string, options: EmbeddedEngineOptions = {}): Promise<EmbeddedTransport> {
  checkOptions('embedded engine options', 'EmbeddedOptions', options, EMBEDDED_OPTIONS);
  const { maxPayloadBytes } = options;
  if (maxPayloadBytes !== undefined && !(Number.isInteger(maxPayloadBytes) && maxPayloadBytes > 0)) {
    throw new TypeError(`embedded.maxPayloadBytes must be a positive whole number of bytes, got ${maxPayloadBytes}`);
  }
  const h = await openSharedEngine(path, options);
  const address = isPostgresAddress(path) ? path : `sqlite:${path}`;
  return { address, api: h.api, engine: h.engine, health: h.health, recordServerUrl: (url) => h.recordServerUrl(url), close: () => h.close() };
}
