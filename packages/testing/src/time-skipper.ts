import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import type { VirtualClock } from './virtual-clock.js';
import type { WorkTracker } from './work-tracker.js';

/** Real time the system must stay quiet before time may jump. */
const QUIET_MS = 5;
/** Macrotask turns around that wait, so callbacks queued behind store/thread messages run. */
const QUIET_TURNS = 3;

/**
 * Decides when the virtual clock may jump to its next deadline: only when nothing is being
 * worked on (see WorkTracker.idle) and nothing has happened for a short quiet period. Jumps
 * happen by themselves while someone awaits a workflow result (as Temporal's test server does),
 * and on request through sleep().
 */
export class TimeSkipper {
  private manual = 0;
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly clock: VirtualClock,
    private readonly tracker: WorkTracker,
  ) {
    this.loop = this.autoSkip();
  }

  /** Advances time by `ms`, stopping at each deadline on the way until its work has settled. */
  async sleep(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    this.manual++;
    try {
      for (;;) {
        // Settle first: work a deadline started may schedule the next one. Activities are not
        // waited for: sleep() is how a test lets time pass around one (even from inside one).
        await this.settle(true);
        const next = this.clock.nextDeadline();
        if (next === undefined || next > target || this.closed) break;
        this.clock.advanceTo(next);
      }
      this.clock.advanceTo(target);
    } finally {
      this.manual--;
      this.tracker.bump();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tracker.close();
    await this.loop;
  }

  private canAutoSkip(): boolean {
    return !this.closed && this.manual === 0 && this.tracker.resultWaits > 0 && this.clock.nextDeadline() !== undefined;
  }

  private async autoSkip(): Promise<void> {
    while (!this.closed) {
      if (!this.canAutoSkip()) {
        await this.tracker.changed();
        continue;
      }
      await this.settle(false);
      const next = this.clock.nextDeadline();
      if (this.canAutoSkip() && next !== undefined) this.clock.advanceTo(next);
    }
  }

  /** Waits until the tracker is idle and no event happens for a quiet period. */
  private async settle(ignoreActivities: boolean): Promise<void> {
    while (!this.closed) {
      if (!this.tracker.idle(ignoreActivities)) {
        await this.tracker.changed();
        continue;
      }
      const seen = this.tracker.generation;
      for (let i = 0; i < QUIET_TURNS; i++) await nextTurn();
      await delay(QUIET_MS);
      for (let i = 0; i < QUIET_TURNS; i++) await nextTurn();
      if (seen === this.tracker.generation && this.tracker.idle(ignoreActivities)) return;
    }
  }
}
