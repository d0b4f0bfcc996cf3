// Cron schedules as Temporal reads them: five fields (minute, hour, day of month, month, day of
// week) with `*`, `?`, lists, ranges, steps and month/day names, or a descriptor (`@hourly`,
// `@every 90m`…). Always UTC. A written-out parser rather than a dependency: the engine must
// agree with itself across releases on when a chain's next run is due.

/** A parsed schedule (times in ms since the epoch; undefined: no match within 5 years). */
export interface CronSchedule {
  readonly text: string;
  /** The first time it fires strictly after `after`. */
  next(after: number): number | undefined;
  /**
   * The first time it fires after `base` (a run's scheduled time) that is not before `notBefore`
   * (the run's close): the next run's time. Times skipped while a run ran are not made up.
   */
  following(base: number, notBefore: number): number | undefined;
}

/** The schedule text is not a valid cron schedule; the message says what is wrong. */
export class CronScheduleError extends Error {
  override name = 'CronScheduleError';
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MINUTE = 60_000;
/** How far ahead a match is looked for (as robfig/cron, which Temporal uses, does). */
const SEARCH_YEARS = 5;

interface Field {
  allowed: boolean[];
  /** Written as `*` or `?` (without a step over 1): for day of month and day of week this picks AND over OR. */
  star: boolean;
}

export function parseCronSchedule(text: string): CronSchedule {
  const trimmed = text.trim();
  const bad = (why: string) => new CronScheduleError(`cronSchedule '${text}': ${why}`);
  if (/^(CRON_)?TZ=/i.test(trimmed)) throw bad('time zones are not supported: schedules are in UTC; remove the TZ= prefix and write the times in UTC');
  if (trimmed.startsWith('@every')) return everySchedule(text, trimmed.slice('@every'.length).trim(), bad);
  if (trimmed.startsWith('@')) {
    const expanded = DESCRIPTORS[trimmed.toLowerCase()];
    if (!expanded) throw bad(`unknown descriptor; use one of ${Object.keys(DESCRIPTORS).join(', ')}, @every <duration>, or five fields`);
    return fieldSchedule(text, expanded, bad);
  }
  return fieldSchedule(text, trimmed, bad);
}

function everySchedule(text: string, duration: string, bad: (why: string) => Error): CronSchedule {
  const ms = parseGoDuration(duration);
  if (ms === undefined) throw bad(`'@every' needs a duration such as 30s, 15m, 1h30m; got '${duration}'`);
  if (ms <= 0) throw bad('the @every interval must be positive');
  // Whole seconds, at least one (sub-second intervals are rounded down, as Temporal does).
  const interval = Math.max(1000, Math.floor(ms / 1000) * 1000);
  const from = (t: number) => Math.floor(t / 1000) * 1000;
  return {
    text,
    next: (after) => from(after) + interval,
    // Counted from the run's scheduled time, so the chain keeps its rhythm and does not drift.
    following: (base, notBefore) => from(base) + Math.max(1, Math.ceil((notBefore - from(base)) / interval)) * interval,
  };
}

/** A Go duration (`1h30m`, `90s`, `1.5h`, `500ms`), in ms; undefined if it is not one. */
function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, , unit] of s.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * units[unit!]!;
  return total;
}

function fieldSchedule(text: string, spec: string, bad: (why: string) => Error): CronSchedule {
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) throw bad(`expected 5 fields (minute hour day-of-month month day-of-week) or a descriptor such as @hourly, got ${parts.length} field${parts.length === 1 ? '' : 's'}`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!, bad)) as [Field, Field, Field, Field, Field];
  const dayMatches = (d: Date) => {
    const a = dom.allowed[d.getUTCDate()]!;
    const b = dow.allowed[d.getUTCDay()]!;
    return dom.star || dow.star ? a && b : a || b;
  };
  const next = (after: number): number | undefined => {
    let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
    const lastYear = new Date(after).getUTCFullYear() + SEARCH_YEARS;
    for (;;) {
      const d = new Date(t);
      if (d.getUTCFullYear() > lastYear) return undefined;
      if (!month.allowed[d.getUTCMonth() + 1]) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      else if (!dayMatches(d)) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      else if (!hour.allowed[d.getUTCHours()]) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      else if (!minute.allowed[d.getUTCMinutes()]) t += MINUTE;
      else return t;
    }
  };
  // Field schedules name absolute times: the first match after both.
  return { text, next, following: (base, notBefore) => next(Math.max(base, notBefore - 1)) };
}

function parseField(expr: string, f: FieldSpec, bad: (why: string) => Error): Field {
  const allowed: boolean[] = new Array<boolean>(f.max + 1).fill(false);
  let star = false;
  const where = `${f.name} field '${expr}'`;
  const value = (s: string): number => {
    const byName = f.names?.indexOf(s.toUpperCase()) ?? -1;
    if (byName >= 0) return byName + f.min;
    if (!/^\d+$/.test(s)) throw bad(`${where}: '${s}' is not a number${f.names ? ` or a name (${f.names.join(', ')})` : ''}`);
    const n = Number(s);
    if (n < f.min || n > f.max) throw bad(`${where}: ${n} is out of range ${f.min}-${f.max}`);
    return n;
  };
  for (const part of expr.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw bad(`${where}: '${part}' is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw bad(`${where}: the step '${stepText}' must be a positive whole number`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (step === 1) star = true;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) throw bad(`${where}: '${range}' is not a range`);
      lo = value(bounds[0]!);
      // 'N/step' means from N to the end of the field.
      hi = bounds.length === 2 ? value(bounds[1]!) : stepText !== undefined ? f.max : lo;
      if (lo > hi) throw bad(`${where}: the range ${range} runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) allowed[v] = true;
  }
  return { allowed, star };
}
