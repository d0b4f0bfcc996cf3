// Simulated time. Nothing in a simulation waits for the wall clock: the engine's clock, its
// real-time waits (long-polls, sticky hand-over) and the simulated workers' pauses are all
// callbacks on this clock, and the simulation loop moves time forward only when it chooses to.
import type { Clock } from '@endure/engine';

interface Alarm {
  at: number;
  /** Ties at the same instant fire in the order they were set (deterministic). */
  order: number;
  fn: () => void;
  cancelled: boolean;
  scope: ClockScope;
}

export class VirtualClock {
  private time: number;
  private alarms: Alarm[] = [];
  private order = 0;

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** A view of this clock whose alarms can all be dropped at once (an engine that crashed). */
  scope(): ClockScope {
    return new ClockScope(this);
  }

  add(ms: number, fn: () => void, scope: ClockScope): () => void {
    const a: Alarm = { at: this.time + Math.max(0, ms), order: this.order++, fn, cancelled: false, scope };
    this.alarms.push(a);
    return () => void (a.cancelled = true);
  }

  /** When the next live alarm is due, if any (a paused scope's alarms wait for it to resume). */
  nextAt(): number | undefined {
    this.prune();
    let next: number | undefined;
    for (const a of this.alarms) if (!a.scope.paused && (next === undefined || a.at < next)) next = Math.max(a.at, this.time);
    return next;
  }

  /** Moves time to the next alarm (never backwards) and fires every alarm due then. */
  fireNext(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.advanceTo(at);
    return true;
  }

  /** Moves time forward by `ms` (clock skew, a paused process), firing what falls due. */
  advanceTo(at: number): void {
    this.time = Math.max(this.time, at);
    const due = this.alarms.filter((a) => !a.cancelled && !a.scope.dropped && !a.scope.paused && a.at <= this.time).sort((a, b) => a.at - b.at || a.order - b.order);
    this.alarms = this.alarms.filter((a) => !due.includes(a));
    for (const a of due) if (!a.cancelled && !a.scope.dropped) {
      if (a.scope.paused) this.alarms.push(a); // paused by an alarm before it: fires after the resume
      else a.fn();
    }
  }

  private prune(): void {
    if (this.alarms.some((a) => a.cancelled || a.scope.dropped)) this.alarms = this.alarms.filter((a) => !a.cancelled && !a.scope.dropped);
  }
}

/**
 * The Clock an engine instance or an actor is given; `drop()` silences all its alarms (a crash),
 * `pause()` holds them (a frozen process: time goes on, its alarms fire late, once resumed).
 */
export class ClockScope implements Clock {
  dropped = false;
  paused = false;
  constructor(private readonly clock: VirtualClock) {}
  readonly now = (): number => this.clock.now();
  readonly schedule = (ms: number, fn: () => void): (() => void) => this.clock.add(ms, fn, this);
  drop(): void {
    this.dropped = true;
  }
  pause(): void {
    this.paused = true;
  }
  /** Its alarms that fell due meanwhile fire the next time the clock moves (or `fireNext` runs). */
  resume(): void {
    this.paused = false;
  }
}
