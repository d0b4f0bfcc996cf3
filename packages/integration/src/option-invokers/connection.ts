// Invokers for the connection options tables (client Connection, worker NativeConnection, their
// TLS settings, the embedded engine's) and @endure/envconfig's: each makes the real call that takes the options. A
// connection that opens is closed again at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type ConnectionOptions } from '@endure/client';
import { NativeConnection, type NativeConnectionOptions } from '@endure/worker';
import { loadClientConfig, loadClientConfigFromToml, loadClientConnectConfig, type LoadClientConfigOptions, type LoadClientProfileOptions } from '@endure/envconfig';
import type { OptionInvokers } from './types.js';

/** Options objects built from a probe are not of the declared type on purpose. */
type Loose<T> = T & Record<string, unknown>;

/** No file and no environment: only the option under test counts. */
const isolated = { overrideEnvVars: {} } as const;

export const connectionInvokers: OptionInvokers = {
  ConnectionOptions: async (env, extra) => (await Connection.connect({ address: env.address, ...extra } as Loose<ConnectionOptions>)).close(),
  NativeConnectionOptions: async (env, extra) => (await NativeConnection.connect({ address: env.address, ...extra } as Loose<NativeConnectionOptions>)).close(),
  // A TLS setting means something only for a server address; the table is checked before the address is.
  TLSConfig: async (_env, extra) => (await Connection.connect({ address: 'https://127.0.0.1:1', tls: extra } as Loose<ConnectionOptions>)).close(),
  // The in-process engine's settings (the `embedded` option), on an engine of its own.
  EmbeddedOptions: async (_env, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'endure-embedded-options-'));
    try {
      await (await Connection.connect({ address: `sqlite:${join(dir, 'endure.db')}`, embedded: extra } as Loose<ConnectionOptions>)).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  LoadClientProfileOptions: async (_env, extra) => loadClientConnectConfig({ ...isolated, ...extra } as Loose<LoadClientProfileOptions>),
  LoadClientConfigOptions: async (_env, extra) => loadClientConfig({ ...isolated, ...extra } as Loose<LoadClientConfigOptions>),
  ClientConfigFromTomlOptions: async (_env, extra) => loadClientConfigFromToml('[profile.default]\naddress = "localhost:7233"\n', { strict: true, ...extra }),
};
