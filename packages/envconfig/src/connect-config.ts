// A profile turned into what Connection.connect and NativeConnection.connect take.
import { readFileSync } from 'node:fs';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { ClientConfigError, type Origin } from './errors.js';
import type { ClientConfigProfile, ClientConnectConfig, ConfigConnectionOptions, ConfigDataSource, ConfigTLS } from './types.js';

/** Where a profile's key was set; `toClientOptions` on a bare profile knows only the key. */
export type OriginOf = (key: string) => Origin;

const keyOnly: OriginOf = (key) => ({ key });

/** Reads a certificate or key: the file a path names, or the data itself. */
export function loadConfigData(source?: ConfigDataSource, origin: Origin = {}): Buffer | undefined {
  if (source === undefined) return undefined;
  if ('path' in source) {
    try {
      return readFileSync(source.path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ClientConfigError(origin, e.code === 'ENOENT' ? `no file at '${source.path}'` : `cannot read '${source.path}': ${e.message}`);
    }
  }
  return typeof source.data === 'string' ? Buffer.from(source.data) : Buffer.from(source.data);
}

/** Which of the TOML keys a data source came from, for messages: `client_cert_path` or `client_cert_data`. */
function keyOf(source: ConfigDataSource, item: string): string {
  return `tls.${item}_${'path' in source ? 'path' : 'data'}`;
}

function toTLSConfig(profile: ClientConfigProfile, at: OriginOf): ConfigTLS {
  const tls = profile.tls!;
  const out: ConfigTLS = {};
  if (tls.serverName !== undefined) out.serverNameOverride = tls.serverName;
  const ca = tls.serverCACert && loadConfigData(tls.serverCACert, at(keyOf(tls.serverCACert, 'server_ca_cert')));
  if (ca) out.serverRootCACertificate = ca;
  if (tls.clientCert || tls.clientKey) {
    if (!tls.clientCert) throw new ClientConfigError(at(keyOf(tls.clientKey!, 'client_key')), 'a client key needs its certificate: set client_cert_path or client_cert_data too');
    if (!tls.clientKey) throw new ClientConfigError(at(keyOf(tls.clientCert, 'client_cert')), 'a client certificate needs its key: set client_key_path or client_key_data too');
    const crt = loadConfigData(tls.clientCert, at(keyOf(tls.clientCert, 'client_cert')))!;
    const key = loadConfigData(tls.clientKey, at(keyOf(tls.clientKey, 'client_key')))!;
    out.clientCertPair = { crt, key };
  }
  return out;
}

/**
 * TLS as Temporal decides it: `tls.disabled` turns it off; a TLS table turns it on; otherwise an
 * API key turns it on. An address with an explicit scheme already says, so a key alone leaves
 * `http://` alone, and a TLS table against `http://` (or `disabled` against `https://`) is refused.
 */
function tlsOption(profile: ClientConfigProfile, at: OriginOf): ConfigTLS | boolean | undefined {
  const scheme = /^(https?):\/\//i.exec(profile.address ?? '')?.[1]?.toLowerCase();
  if (profile.tls?.disabled === true) {
    if (scheme === 'https') throw new ClientConfigError(at('tls.disabled'), `turns TLS off, but the address '${profile.address}' is https://`);
    return false;
  }
  if (profile.tls) {
    if (scheme === 'http') throw new ClientConfigError(at('tls'), `turns TLS on, but the address '${profile.address}' is plain http://; write https://, or just the host and port`);
    return toTLSConfig(profile, at);
  }
  if (profile.apiKey !== undefined && scheme === undefined) return true;
  return undefined;
}

function metadataOf(meta: Record<string, string>, at: OriginOf): Record<string, string> {
  for (const [name, value] of Object.entries(meta)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (err) {
      throw new ClientConfigError(at(`grpc_meta.${name}`), `cannot be sent as an HTTP header: ${(err as Error).message}`);
    }
  }
  return { ...meta };
}

/** `toClientOptions`, naming where each key was set in errors. */
export function toClientOptionsAt(profile: ClientConfigProfile, at: OriginOf): ClientConnectConfig {
  const connectionOptions: ConfigConnectionOptions = {};
  if (profile.address !== undefined) connectionOptions.address = profile.address;
  if (profile.apiKey !== undefined) connectionOptions.apiKey = profile.apiKey;
  const tls = tlsOption(profile, at);
  if (tls !== undefined) connectionOptions.tls = tls;
  if (profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0) connectionOptions.metadata = metadataOf(profile.grpcMeta, at);
  return { connectionOptions, ...(profile.namespace !== undefined ? { namespace: profile.namespace } : {}) };
}

/** A profile as `{ connectionOptions, namespace }`; certificate and key files are read here. */
export function toClientOptions(profile: ClientConfigProfile): ClientConnectConfig {
  return toClientOptionsAt(profile, keyOnly);
}
