// Writes in flight during a copy: a store commits what was issued together in one transaction
// (one fsync), so the copy issues imports without waiting for each, up to a budget of runs and
// events that bounds the memory held by writes not yet durable.
export class WriteWindow {
  private readonly pending = new Set<Promise<void>>();
  private events = 0;
  private failure: unknown;

  constructor(
    private readonly maxRuns: number,
    private readonly maxEvents: number,
  ) {}

  /** Issues `write` (holding `events` events) once the window has room; rejects with the first failed write. */
  async add(events: number, write: () => Promise<void>): Promise<void> {
    while (this.pending.size > 0 && (this.pending.size >= this.maxRuns || this.events + events > this.maxEvents)) {
      await Promise.race(this.pending);
    }
    this.check();
    this.events += events;
    const p: Promise<void> = write().then(
      () => this.settle(p, events),
      (e: unknown) => {
        this.failure ??= e;
        this.settle(p, events);
      },
    );
    this.pending.add(p);
  }

  /** Waits for every write issued; rejects with the first that failed. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
    this.check();
  }

  private settle(p: Promise<void>, events: number): void {
    this.pending.delete(p);
    this.events -= events;
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
