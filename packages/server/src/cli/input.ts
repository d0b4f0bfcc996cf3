// Reading values from the command line: JSON inputs, KEY=JSON pairs, durations, numbers.
import { InvalidArgumentError } from 'commander';
import { toMs } from '@endure/common';

/** Parses one JSON text, naming the flag that held it on failure. */
export function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidArgumentError(`${flag} must be JSON (${reason}); quote strings, e.g. ${flag} '"text"' or ${flag} '{"a":1}'`);
  }
}

/** For repeatable JSON flags (`-i 1 -i '"x"'`): each occurrence is one argument. */
export function collectJson(flag: string) {
  return (text: string, previous: unknown[] = []): unknown[] => [...previous, parseJson(text, flag)];
}

/** For repeatable `KEY=JSON` flags (--memo, --search-attribute). */
export function collectKeyValue(flag: string) {
  return (text: string, previous: Record<string, unknown> = {}): Record<string, unknown> => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`${flag} takes KEY=JSON, e.g. ${flag} 'Region="eu"'; got '${text}'`);
    return { ...previous, [text.slice(0, eq)]: parseJson(text.slice(eq + 1), `${flag} ${text.slice(0, eq)}=`) };
  };
}

/** A duration such as '30s', '72h', '7 days' (Endure's duration syntax), in milliseconds. */
export function durationMs(flag: string) {
  return (text: string): number => {
    try {
      return toMs(text, flag);
    } catch {
      throw new InvalidArgumentError(`${flag}: cannot read '${text}' as a duration; use e.g. '30s', '5m', '72h' or '7 days'`);
    }
  };
}

export function positiveInt(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive whole number, got '${text}'`);
    return n;
  };
}

export function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535 (0 picks a free port), got '${text}'`);
  return n;
}

/** For repeatable plain-string flags. */
export function collect(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}
