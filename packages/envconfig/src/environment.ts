// Environment variables: Endure's ENDURE_* names and Temporal's TEMPORAL_* names for the same
// settings, so a setup made for Temporal keeps working; where both are set, ENDURE_* wins.
import { ClientConfigError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** In order of precedence. */
const PREFIXES = ['ENDURE_', 'TEMPORAL_'] as const;

export interface EnvValue {
  value: string;
  /** The variable it came from, e.g. `TEMPORAL_ADDRESS`. */
  variable: string;
}

/** `ENDURE_<name>`, else `TEMPORAL_<name>`; an empty variable counts as unset. */
export function envValue(env: Env, name: string): EnvValue | undefined {
  for (const prefix of PREFIXES) {
    const value = env[prefix + name];
    if (value !== undefined && value !== '') return { value, variable: prefix + name };
  }
  return undefined;
}

/** `1`/`true` or `0`/`false` (any case); anything else is refused, naming the variable. */
export function envBoolean(env: Env, name: string): { value: boolean; variable: string } | undefined {
  const v = envValue(env, name);
  if (v === undefined) return undefined;
  const text = v.value.trim().toLowerCase();
  if (text === '1' || text === 'true') return { value: true, variable: v.variable };
  if (text === '0' || text === 'false') return { value: false, variable: v.variable };
  throw new ClientConfigError({ key: v.variable, env: true }, `must be true, false, 1 or 0, got '${v.value}'`);
}

/** A metadata key as gRPC writes it: lower case, `-` for `_`. */
export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replaceAll('_', '-');
}

/**
 * Headers from `<PREFIX>GRPC_META_<NAME>` variables: Temporal's first, Endure's over them. An
 * empty value removes the header (from the file too): `undefined` in the result.
 */
export function envHeaders(env: Env): Map<string, { value: string | undefined; variable: string }> {
  const out = new Map<string, { value: string | undefined; variable: string }>();
  for (const prefix of [...PREFIXES].reverse()) {
    const start = `${prefix}GRPC_META_`;
    for (const [variable, value] of Object.entries(env)) {
      if (!variable.startsWith(start) || value === undefined) continue;
      const name = normalizeHeaderName(variable.slice(start.length));
      if (name === '') throw new ClientConfigError({ key: variable, env: true }, `names no header; write ${start}<NAME>`);
      out.set(name, { value: value === '' ? undefined : value, variable });
    }
  }
  return out;
}
