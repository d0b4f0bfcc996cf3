// Finding the configuration file and reading it into profiles whose every value knows its key,
// so a bad value is reported with the file, the profile and the key.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse, TomlError, type TomlTable } from 'smol-toml';
import { envValue, normalizeHeaderName, type Env } from './environment.js';
import { ClientConfigError, type Origin } from './errors.js';
import type { ConfigDataSource } from './types.js';

export interface Setting<T> {
  value: T;
  origin: Origin;
}

export const TLS_STRING_KEYS = [
  'client_cert_path',
  'client_cert_data',
  'client_key_path',
  'client_key_data',
  'server_ca_cert_path',
  'server_ca_cert_data',
  'server_name',
] as const;
export const TLS_BOOLEAN_KEYS = ['disabled', 'disable_host_verification'] as const;
export type TlsKey = (typeof TLS_STRING_KEYS)[number] | (typeof TLS_BOOLEAN_KEYS)[number];

/** One profile as written (TOML's snake_case keys), merged with the environment later. */
export interface RawProfile {
  address?: Setting<string>;
  namespace?: Setting<string>;
  api_key?: Setting<string>;
  /** Present when the profile has a `tls` table (even an empty one turns TLS on) or TLS variables are set. */
  tls?: { origin: Origin; keys: Partial<Record<TlsKey, Setting<string | boolean>>> };
  grpc_meta: Map<string, Setting<string>>;
  /** Where a `codec` table was given: a remote codec, which Endure does not implement. */
  codec?: Origin;
}

export interface ConfigText {
  /** The file's path, or `the configSource data`. */
  label: string;
  text: string;
}

const PROFILE_KEYS = new Set(['address', 'namespace', 'api_key', 'tls', 'grpc_meta', 'codec']);
const CODEC_KEYS = new Set(['endpoint', 'auth']);

function readFile(path: string, origin: Origin): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ClientConfigError(origin, e.code === 'ENOENT' ? `no file at '${path}'` : `cannot read '${path}': ${e.message}`);
  }
}

/** The text of a `ConfigDataSource`; `what` names the option or key it was given as. */
export function readSource(source: ConfigDataSource, what: Origin): ConfigText {
  if (typeof source !== 'object' || source === null) throw new ClientConfigError(what, 'must be { path } or { data }');
  if ('path' in source) {
    if (typeof source.path !== 'string' || source.path === '') throw new ClientConfigError(what, 'path must be a file name');
    return { label: source.path, text: readFile(source.path, what) };
  }
  if ('data' in source) {
    const data: unknown = source.data;
    if (typeof data === 'string') return { label: 'the configSource data', text: data };
    if (data instanceof Uint8Array) return { label: 'the configSource data', text: Buffer.from(data).toString('utf8') };
  }
  throw new ClientConfigError(what, 'must be { path: string } or { data: string | Buffer }');
}

/** The user's configuration directory, as Temporal finds it; undefined where the environment names none. */
function userConfigDir(env: Env): string | undefined {
  if (process.platform === 'win32') return env['APPDATA'] || undefined;
  if (process.platform === 'darwin') return env['HOME'] ? join(env['HOME'], 'Library', 'Application Support') : undefined;
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg) {
    if (!isAbsolute(xdg)) throw new ClientConfigError({ key: 'XDG_CONFIG_HOME', env: true }, `must be an absolute path, got '${xdg}'`);
    return xdg;
  }
  return env['HOME'] ? join(env['HOME'], '.config') : undefined;
}

/** Endure's default file, then Temporal's, so a Temporal setup keeps working. */
export function defaultConfigFiles(env: Env): string[] {
  const dir = userConfigDir(env);
  return dir ? [join(dir, 'endure', 'endure.toml'), join(dir, 'temporalio', 'temporal.toml')] : [];
}

/**
 * The configuration to read: `configSource`, else the file ENDURE_CONFIG_FILE or
 * TEMPORAL_CONFIG_FILE names (it must exist), else the first default file that exists, else none.
 */
export function locateConfig(source: ConfigDataSource | undefined, env: Env): ConfigText | undefined {
  if (source !== undefined) return readSource(source, { key: 'configSource' });
  const named = envValue(env, 'CONFIG_FILE');
  if (named) return { label: named.value, text: readFile(named.value, { key: named.variable, env: true }) };
  for (const path of defaultConfigFiles(env)) {
    try {
      return { label: path, text: readFileSync(path, 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ClientConfigError({ file: path }, `cannot read it: ${(err as Error).message}`);
    }
  }
  return undefined;
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (isTable(v)) return 'a table';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function unknownKeys(table: TomlTable, allowed: Set<string>, origin: (key: string) => Origin, strict: boolean): void {
  if (!strict) return;
  for (const key of Object.keys(table)) {
    if (!allowed.has(key)) throw new ClientConfigError(origin(key), `is not a setting of the configuration file (strict mode); the settings are: ${[...allowed].join(', ')}`);
  }
}

function str(table: TomlTable, key: string, origin: Origin): Setting<string> | undefined {
  const v = table[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ClientConfigError(origin, `must be a string, got ${describeValue(v)}`);
  return { value: v, origin };
}

function readProfile(name: string, table: TomlTable, file: string, strict: boolean): RawProfile {
  const at = (key: string): Origin => ({ file, profile: name, key });
  unknownKeys(table, PROFILE_KEYS, at, strict);
  const profile: RawProfile = { grpc_meta: new Map() };
  for (const key of ['address', 'namespace', 'api_key'] as const) {
    const s = str(table, key, at(key));
    if (s) profile[key] = s;
  }
  const tls = table['tls'];
  if (tls !== undefined) {
    if (!isTable(tls)) throw new ClientConfigError(at('tls'), `must be a table ([profile.${name}.tls]), got ${describeValue(tls)}`);
    unknownKeys(tls, new Set<string>([...TLS_STRING_KEYS, ...TLS_BOOLEAN_KEYS]), (k) => at(`tls.${k}`), strict);
    const keys: NonNullable<RawProfile['tls']>['keys'] = {};
    for (const key of TLS_STRING_KEYS) {
      const s = str(tls, key, at(`tls.${key}`));
      if (s) keys[key] = s;
    }
    for (const key of TLS_BOOLEAN_KEYS) {
      const v = tls[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new ClientConfigError(at(`tls.${key}`), `must be true or false, got ${describeValue(v)}`);
      keys[key] = { value: v, origin: at(`tls.${key}`) };
    }
    profile.tls = { origin: at('tls'), keys };
  }
  const meta = table['grpc_meta'];
  if (meta !== undefined) {
    if (!isTable(meta)) throw new ClientConfigError(at('grpc_meta'), `must be a table of header names to strings, got ${describeValue(meta)}`);
    for (const header of Object.keys(meta)) {
      const s = str(meta, header, at(`grpc_meta.${header}`));
      if (s) profile.grpc_meta.set(normalizeHeaderName(header), s);
    }
  }
  const codec = table['codec'];
  if (codec !== undefined) {
    if (!isTable(codec)) throw new ClientConfigError(at('codec'), `must be a table, got ${describeValue(codec)}`);
    unknownKeys(codec, CODEC_KEYS, (k) => at(`codec.${k}`), strict);
    profile.codec = at('codec');
  }
  return profile;
}

/** Parses a configuration file's text into its profiles. */
export function parseConfig(config: ConfigText, strict: boolean): Map<string, RawProfile> {
  let doc: TomlTable;
  try {
    doc = parse(config.text);
  } catch (err) {
    const detail = err instanceof TomlError ? err.message.split('\n')[0] : String(err);
    throw new ClientConfigError({ file: config.label }, `is not valid TOML: ${detail}`);
  }
  unknownKeys(doc, new Set(['profile']), (key) => ({ file: config.label, key }), strict);
  const profiles = new Map<string, RawProfile>();
  const tables = doc['profile'];
  if (tables === undefined) return profiles;
  if (!isTable(tables)) throw new ClientConfigError({ file: config.label, key: 'profile' }, `must hold tables such as [profile.default], got ${describeValue(tables)}`);
  for (const [name, table] of Object.entries(tables)) {
    if (!isTable(table)) throw new ClientConfigError({ file: config.label, profile: name }, `must be a table ([profile.${name}]), got ${describeValue(table)}`);
    profiles.set(name, readProfile(name, table, config.label, strict));
  }
  return profiles;
}
