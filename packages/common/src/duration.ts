/** A duration as milliseconds or a string such as '30 days', '1.5h', '500ms', '2 minutes'. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1, msecs: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

/** Parses a Duration to whole milliseconds; `what` names the option in the error. */
export function toMs(value: Duration, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`${what} must be a non-negative number of milliseconds or a string like '30s', got ${value}`);
    }
    return Math.round(value);
  }
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a number of milliseconds or a string like '30s', got ${typeof value}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? (m[2] || 'ms').toLowerCase() : '';
  const scale = UNIT_MS[unit];
  if (!m || scale === undefined) {
    throw new TypeError(`${what}: cannot read '${value}' as a duration; use a number of ms or e.g. '500ms', '30s', '5 minutes', '2h', '30 days'`);
  }
  return Math.round(Number(m[1]) * scale);
}

/** Like toMs, but undefined stays undefined. */
export function optionalMs(value: Duration | undefined, what: string): number | undefined {
  return value === undefined ? undefined : toMs(value, what);
}
