// How results reach stdout: aligned tables and key/value blocks for people, one JSON document
// for scripts (`--output json`).
import { Option } from 'commander';

export type OutputFormat = 'table' | 'json';

/** The `-o, --output` option every reading command takes. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'table for people, json for scripts').choices(['table', 'json']).default('table');
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** One JSON document, indented, keys in the order the caller built them. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** An ISO-8601 UTC time, or '' for none. */
export function isoTime(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}

/** A hint from the engine ("no worker has polled …") as a sentence on its own line. */
export function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!)]$/.test(s) ? s : `${s}.`;
}

/** A value in one line: strings as is, anything else as compact JSON. */
export function inline(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Columns padded to their widest cell; headers in capitals. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  print([line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n'));
}

/** `Label  value` lines, labels aligned; undefined values are left out. */
export function printFields(fields: [string, string | number | undefined][]): void {
  const shown = fields.filter((f): f is [string, string | number] => f[1] !== undefined && f[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  print(shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
}

/** A duration in the largest whole unit: '3d', '36h', '90m', '1500ms'. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
