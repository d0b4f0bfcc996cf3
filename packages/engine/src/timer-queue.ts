/** Time source and alarm, swappable for a virtual clock in tests. */
export interface Clock {
  now(): number;
  /**
   * Calls fn after ms; returns a cancel function. `keepAlive`: the wait keeps the process alive
   * (a worker waiting in a long-poll, as a socket would); otherwise it does not.
   */
  schedule(ms: number, fn: () => void, keepAlive?: boolean): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn, keepAlive) {
    const t = setTimeout(fn, ms);
    if (!keepAlive) t.unref();
    return () => clearTimeout(t);
  },
};

interface Entry {
  key: string;
  at: number;
  fire: () => void;
}

/**
 * In-memory deadlines (a binary heap) behind one armed alarm. Durable timers are loaded into it
 * from the store; in-memory ones (task timeouts, delayed offers) are added directly.
 */
export class TimerQueue {
  private heap: Entry[] = [];
  private byKey = new Map<string, Entry>();
  private cancelAlarm: (() => void) | undefined;
  private alarmAt = Infinity;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Adds or replaces the deadline named `key`. */
  set(key: string, at: number, fire: () => void): void {
    this.delete(key);
    const e = { key, at, fire };
    this.byKey.set(key, e);
    this.heap.push(e);
    this.up(this.heap.length - 1);
    this.arm();
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  delete(key: string): void {
    const e = this.byKey.get(key);
    if (!e) return;
    this.byKey.delete(key);
    e.fire = () => {}; // removed lazily from the heap
  }

  /** Deletes every deadline whose key `gone` names. */
  deleteWhere(gone: (key: string) => boolean): void {
    for (const key of [...this.byKey.keys()]) if (gone(key)) this.delete(key);
  }

  clear(): void {
    this.cancelAlarm?.();
    this.heap = [];
    this.byKey.clear();
  }

  /** Time of the earliest live deadline. */
  nextAt(): number | undefined {
    this.dropDead();
    return this.heap[0]?.at;
  }

  /** Fires everything due by now; returns how many fired. */
  fireDue(): number {
    let n = 0;
    const now = this.clock.now();
    for (;;) {
      this.dropDead();
      const top = this.heap[0];
      if (!top || top.at > now) break;
      this.pop();
      this.byKey.delete(top.key);
      n++;
      top.fire();
    }
    this.arm();
    return n;
  }

  private dropDead(): void {
    while (this.heap.length && this.byKey.get(this.heap[0]!.key) !== this.heap[0]) this.pop();
  }

  private arm(): void {
    const next = this.nextAt();
    if (next === this.alarmAt) return;
    this.cancelAlarm?.();
    this.cancelAlarm = undefined;
    this.alarmAt = next ?? Infinity;
    if (next === undefined) return;
    this.cancelAlarm = this.clock.schedule(Math.max(0, next - this.clock.now()), () => {
      this.alarmAt = Infinity;
      this.cancelAlarm = undefined;
      this.fireDue();
    });
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
