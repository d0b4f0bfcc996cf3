// Temporal's envconfig entry points: load a configuration file's profiles, one profile with the
// environment over it, or straight away the options for Connection.connect.
import { stringify } from 'smol-toml';
import { checkOptions, optionTable } from '@endure/common';
import { locateConfig, parseConfig, type RawProfile } from './config-file.js';
import { toClientOptionsAt } from './connect-config.js';
import { envValue, type Env } from './environment.js';
import { ClientConfigError, type Origin } from './errors.js';
import { applyEnv, toProfile } from './profile.js';
import type {
  ClientConfig,
  ClientConfigFromTomlOptions,
  ClientConfigProfile,
  ClientConnectConfig,
  ConfigDataSource,
  LoadClientConfigOptions,
  LoadClientProfileOptions,
} from './types.js';

const SHOWN_IN = 'packages/envconfig/test/envconfig.test.ts';

export const LOAD_CLIENT_PROFILE_OPTIONS_TABLE = optionTable<LoadClientProfileOptions>('LoadClientProfileOptions', 'loadClientConfigProfile / loadClientConnectConfig', {
  profile: { honoured: SHOWN_IN },
  configSource: { honoured: SHOWN_IN },
  disableFile: { honoured: SHOWN_IN },
  disableEnv: { honoured: SHOWN_IN },
  configFileStrict: { honoured: SHOWN_IN },
  overrideEnvVars: { honoured: SHOWN_IN },
});

export const LOAD_CLIENT_CONFIG_OPTIONS_TABLE = optionTable<LoadClientConfigOptions>('LoadClientConfigOptions', 'loadClientConfig', {
  configSource: { honoured: SHOWN_IN },
  configFileStrict: { honoured: SHOWN_IN },
  overrideEnvVars: { honoured: SHOWN_IN },
});

export const CLIENT_CONFIG_FROM_TOML_OPTIONS_TABLE = optionTable<ClientConfigFromTomlOptions>('ClientConfigFromTomlOptions', 'loadClientConfigFromToml', {
  strict: { honoured: SHOWN_IN },
});

function checkValues(where: string, o: LoadClientProfileOptions): void {
  for (const flag of ['disableFile', 'disableEnv', 'configFileStrict'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') throw new TypeError(`${where}: ${flag} must be true or false, got ${typeof o[flag]}`);
  }
  if (o.profile !== undefined && (typeof o.profile !== 'string' || o.profile === '')) throw new TypeError(`${where}: profile must be a profile's name`);
  const vars: unknown = o.overrideEnvVars;
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Object.values(vars).some((v) => v !== undefined && typeof v !== 'string'))) {
    throw new TypeError(`${where}: overrideEnvVars must be an object of variable names to strings`);
  }
}

function envOf(o: { overrideEnvVars?: Record<string, string> }): Env {
  return o.overrideEnvVars ?? process.env;
}

function profilesOf(raw: Map<string, RawProfile>): Record<string, ClientConfigProfile> {
  return Object.fromEntries([...raw].map(([name, p]) => [name, toProfile(p)]));
}

/** Every profile of the configuration file (no environment variables applied but the file's location). */
export function loadClientConfig(options: LoadClientConfigOptions = {}): ClientConfig {
  checkOptions('loadClientConfig', 'LoadClientConfigOptions', options, LOAD_CLIENT_CONFIG_OPTIONS_TABLE);
  checkValues('loadClientConfig', options);
  const config = locateConfig(options.configSource, envOf(options));
  return { profiles: config ? profilesOf(parseConfig(config, options.configFileStrict ?? false)) : {} };
}

/** The profiles of a TOML document given as bytes or text. */
export function loadClientConfigFromToml(tomlData: Uint8Array | string, options: ClientConfigFromTomlOptions): ClientConfig {
  checkOptions('loadClientConfigFromToml', 'ClientConfigFromTomlOptions', options, CLIENT_CONFIG_FROM_TOML_OPTIONS_TABLE);
  const text = typeof tomlData === 'string' ? tomlData : Buffer.from(tomlData).toString('utf8');
  return { profiles: profilesOf(parseConfig({ label: 'the TOML data', text }, options.strict)) };
}

interface LoadedProfile {
  raw: RawProfile;
  /** The file and profile it came from, if any. */
  where: Origin;
}

function loadRawProfile(where: string, options: LoadClientProfileOptions): LoadedProfile {
  checkOptions(where, 'LoadClientProfileOptions', options, LOAD_CLIENT_PROFILE_OPTIONS_TABLE);
  checkValues(where, options);
  if (options.disableFile && options.disableEnv) throw new TypeError(`${where}: disableFile and disableEnv are both set, which leaves nothing to load`);
  if (options.disableFile && options.profile !== undefined) throw new TypeError(`${where}: profile '${options.profile}' names a profile of the config file, but disableFile is set`);
  const env = envOf(options);
  let raw: RawProfile = { grpc_meta: new Map() };
  let loadedFrom: Origin = {};
  if (!options.disableFile) {
    const config = locateConfig(options.configSource, env);
    const profiles = config ? parseConfig(config, options.configFileStrict ?? false) : new Map<string, RawProfile>();
    const fromEnv = envValue(env, 'PROFILE');
    const chosen = options.profile !== undefined ? { name: options.profile, by: 'the profile option' } : fromEnv ? { name: fromEnv.value, by: fromEnv.variable } : undefined;
    const name = chosen?.name ?? 'default';
    const found = profiles.get(name);
    if (!found && chosen) {
      const known = [...profiles.keys()];
      throw new ClientConfigError(
        { ...(config ? { file: config.label } : {}), profile: name },
        config
          ? `not found (asked for by ${chosen.by}); ${known.length ? `the profiles there: ${known.join(', ')}` : 'the file has no profiles'}`
          : `asked for by ${chosen.by}, but there is no configuration file (set ENDURE_CONFIG_FILE, or create ~/.config/endure/endure.toml)`,
      );
    }
    if (found) {
      raw = found;
      loadedFrom = { file: config!.label, profile: name };
    }
  }
  if (!options.disableEnv) raw = applyEnv(raw, env);
  return { raw, where: loadedFrom };
}

/** One profile: the file's (`default` unless named), with ENDURE_* / TEMPORAL_* variables over it. */
export function loadClientConfigProfile(options: LoadClientProfileOptions = {}): ClientConfigProfile {
  return toProfile(loadRawProfile('loadClientConfigProfile', options).raw);
}

/** Where a TOML key of a loaded profile was set: its own origin, else the profile's. */
function originIn(loaded: LoadedProfile): (key: string) => Origin {
  const { raw, where } = loaded;
  return (key) => {
    const [head, sub] = key.split('.', 2) as [string, string | undefined];
    if (head === 'tls') {
      const s = sub ? raw.tls?.keys[sub as keyof NonNullable<RawProfile['tls']>['keys']] : undefined;
      return s?.origin ?? raw.tls?.origin ?? { ...where, key };
    }
    if (head === 'grpc_meta' && sub) return raw.grpc_meta.get(sub)?.origin ?? { ...where, key };
    if (head === 'address' || head === 'namespace' || head === 'api_key') return raw[head]?.origin ?? { ...where, key };
    return { ...where, key };
  };
}

/**
 * The options for `Connection.connect` / `NativeConnection.connect` and the namespace for
 * `new Client`, from the profile and the environment. Certificate and key files are read here.
 */
export function loadClientConnectConfig(options: LoadClientProfileOptions = {}): ClientConnectConfig {
  const loaded = loadRawProfile('loadClientConnectConfig', options);
  return toClientOptionsAt(toProfile(loaded.raw), originIn(loaded));
}

function sourceToToml(source: ConfigDataSource | undefined, item: string, out: Record<string, unknown>): void {
  if (source === undefined) return;
  if ('path' in source) out[`${item}_path`] = source.path;
  else out[`${item}_data`] = typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8');
}

/** A configuration as TOML text (UTF-8 bytes), in the file format the loaders read. */
export function clientConfigToToml(config: ClientConfig): Uint8Array {
  const profile: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(config.profiles)) {
    const t: Record<string, unknown> = {};
    if (p.address !== undefined) t['address'] = p.address;
    if (p.namespace !== undefined) t['namespace'] = p.namespace;
    if (p.apiKey !== undefined) t['api_key'] = p.apiKey;
    if (p.tls) {
      const tls: Record<string, unknown> = {};
      if (p.tls.disabled !== undefined) tls['disabled'] = p.tls.disabled;
      if (p.tls.serverName !== undefined) tls['server_name'] = p.tls.serverName;
      sourceToToml(p.tls.clientCert, 'client_cert', tls);
      sourceToToml(p.tls.clientKey, 'client_key', tls);
      sourceToToml(p.tls.serverCACert, 'server_ca_cert', tls);
      t['tls'] = tls;
    }
    if (p.grpcMeta && Object.keys(p.grpcMeta).length > 0) t['grpc_meta'] = { ...p.grpcMeta };
    profile[name] = t;
  }
  return Buffer.from(stringify({ profile }), 'utf8');
}
