import type { Clock } from '@endure/transport';

/** setTimeout's limit; a later deadline re-arms when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * The engine's clock in a time-skipping environment: real time plus an offset that only grows.
 * Deadlines fire when real time reaches them, or at once when advanceTo() jumps past them.
 */
export class VirtualClock implements Clock {
  private offset = 0;
  private entries: Entry[] = []; // sorted by (at, seq): there are only a handful
  private seq = 0;
  private alarm: NodeJS.Timeout | undefined;
  private alarmAt = Infinity;
  private closed = false;

  /** Called on every schedule and every firing, so the skipper knows something happened. */
  constructor(private readonly onActivity: () => void = () => {}) {}

  // Arrow properties: the engine passes `clock.now` around unbound.
  readonly now = (): number => Date.now() + this.offset;

  readonly schedule = (ms: number, fn: () => void): (() => void) => {
    const e: Entry = { at: this.now() + Math.max(0, ms), seq: this.seq++, fn };
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.at > e.at) i--;
    this.entries.splice(i, 0, e);
    this.arm();
    this.onActivity();
    return () => {
      const j = this.entries.indexOf(e);
      if (j < 0) return;
      this.entries.splice(j, 1);
      this.arm();
    };
  };

  /** The earliest pending deadline. */
  nextDeadline(): number | undefined {
    return this.entries[0]?.at;
  }

  /** Moves time forward to `at` (never back) and fires every deadline due by then. */
  advanceTo(at: number): void {
    const now = this.now();
    if (at > now) {
      this.offset += at - now;
      this.alarmAt = NaN; // the real timer was set for the old offset: re-arm it
    }
    this.fireDue();
  }

  close(): void {
    this.closed = true;
    this.entries = [];
    clearTimeout(this.alarm);
  }

  private fireDue(): void {
    let fired = false;
    while (!this.closed && this.entries.length && this.entries[0]!.at <= this.now()) {
      const e = this.entries.shift()!;
      fired = true;
      try {
        e.fn();
      } catch (err) {
        queueMicrotask(() => {
          throw err; // as an uncaught exception, like a throwing setTimeout callback
        });
      }
    }
    this.arm();
    if (fired) this.onActivity();
  }

  /** Keeps one real timer for the earliest deadline, so time also passes at real speed. */
  private arm(): void {
    const next = this.entries[0]?.at ?? Infinity;
    if (next === this.alarmAt || this.closed) return;
    clearTimeout(this.alarm);
    this.alarm = undefined;
    this.alarmAt = next;
    if (next === Infinity) return;
    this.alarm = setTimeout(() => {
      this.alarmAt = Infinity;
      this.alarm = undefined;
      this.fireDue();
    }, Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())));
    this.alarm.unref(); // like the system clock: deadlines alone do not keep the process alive
  }
}
