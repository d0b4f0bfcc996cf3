// A profile: the file's, with the environment's settings over it, turned into Temporal's shape.
import { envBoolean, envHeaders, envValue, type Env } from './environment.js';
import { ClientConfigError, describeOrigin, type Origin } from './errors.js';
import { TLS_STRING_KEYS, type RawProfile, type Setting } from './config-file.js';
import type { ClientConfigProfile, ClientConfigTLS, ConfigDataSource } from './types.js';

const env = (variable: string): Origin => ({ key: variable, env: true });

/** The profile with ENDURE_* (else TEMPORAL_*) variables over its values; Temporal's precedence. */
export function applyEnv(profile: RawProfile, vars: Env): RawProfile {
  const out: RawProfile = { ...profile, grpc_meta: new Map(profile.grpc_meta) };
  for (const [key, name] of [['address', 'ADDRESS'], ['namespace', 'NAMESPACE'], ['api_key', 'API_KEY']] as const) {
    const v = envValue(vars, name);
    if (v) out[key] = { value: v.value, origin: env(v.variable) };
  }
  const tlsKeys: NonNullable<RawProfile['tls']>['keys'] = { ...profile.tls?.keys };
  let tlsOrigin = profile.tls?.origin;
  const setTls = (key: keyof typeof tlsKeys, setting: Setting<string | boolean>) => {
    tlsKeys[key] = setting;
    tlsOrigin ??= setting.origin;
  };
  // TEMPORAL_TLS=true turns TLS on, =false off: the opposite sense of the file's `disabled`.
  const on = envBoolean(vars, 'TLS');
  if (on) setTls('disabled', { value: !on.value, origin: env(on.variable) });
  for (const key of TLS_STRING_KEYS) {
    const v = envValue(vars, `TLS_${key.toUpperCase()}`);
    if (v) setTls(key, { value: v.value, origin: env(v.variable) });
  }
  const noHostCheck = envBoolean(vars, 'TLS_DISABLE_HOST_VERIFICATION');
  if (noHostCheck) setTls('disable_host_verification', { value: noHostCheck.value, origin: env(noHostCheck.variable) });
  if (tlsOrigin) out.tls = { origin: tlsOrigin, keys: tlsKeys };
  const codec = envValue(vars, 'CODEC_ENDPOINT') ?? envValue(vars, 'CODEC_AUTH');
  if (codec) out.codec = env(codec.variable);
  for (const [name, { value, variable }] of envHeaders(vars)) {
    if (value === undefined) out.grpc_meta.delete(name);
    else out.grpc_meta.set(name, { value, origin: env(variable) });
  }
  return out;
}

function dataSource(tls: NonNullable<RawProfile['tls']>['keys'], item: 'client_cert' | 'client_key' | 'server_ca_cert'): ConfigDataSource | undefined {
  const path = tls[`${item}_path`];
  const data = tls[`${item}_data`];
  if (path && data) {
    throw new ClientConfigError(data.origin, `${item}_data and ${item}_path (${describeOrigin(path.origin)}) are both given; give the PEM data or a path to it, not both`);
  }
  if (data) return { data: data.value as string };
  if (path) return { path: path.value as string };
  return undefined;
}

function toTls(tls: NonNullable<RawProfile['tls']>): ClientConfigTLS {
  const k = tls.keys;
  if (k.disable_host_verification?.value === true) {
    throw new ClientConfigError(
      k.disable_host_verification.origin,
      "is not supported: Endure always checks the server's certificate against its name; set server_name to the name in the certificate instead",
    );
  }
  const out: ClientConfigTLS = {};
  if (k.disabled !== undefined) out.disabled = k.disabled.value as boolean;
  if (k.server_name !== undefined) out.serverName = k.server_name.value as string;
  const clientCert = dataSource(k, 'client_cert');
  const clientKey = dataSource(k, 'client_key');
  const serverCACert = dataSource(k, 'server_ca_cert');
  if (clientCert) out.clientCert = clientCert;
  if (clientKey) out.clientKey = clientKey;
  if (serverCACert) out.serverCACert = serverCACert;
  return out;
}

/** Temporal's ClientConfigProfile; a setting Endure cannot honour is refused, naming where it was set. */
export function toProfile(raw: RawProfile): ClientConfigProfile {
  if (raw.codec) {
    throw new ClientConfigError(raw.codec, 'sets a remote codec, which Endure does not implement; remove it, or use a profile without it (payload conversion is configured in code)');
  }
  const profile: ClientConfigProfile = {};
  if (raw.address) profile.address = raw.address.value;
  if (raw.namespace) profile.namespace = raw.namespace.value;
  if (raw.api_key) profile.apiKey = raw.api_key.value;
  if (raw.tls) profile.tls = toTls(raw.tls);
  if (raw.grpc_meta.size > 0) profile.grpcMeta = Object.fromEntries([...raw.grpc_meta].map(([name, s]) => [name, s.value]));
  return profile;
}
