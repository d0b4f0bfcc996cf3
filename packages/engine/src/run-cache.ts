// The runs held in memory, each loaded once however many callers ask at the same time. The cache
// is bounded: idle runs beyond `maxRuns` are dropped (their state is all on disk), but a run a
// caller may still hold — between `await load()` and its next line — is kept by weak reference
// and handed back if asked for again, so there is never a second copy of a run in memory.
import type { RunKey } from '@endure/storage';
import { runKeyString } from './keys.js';
import type { Run } from './run.js';

export class RunCache {
  private readonly runs = new Map<string, Run>();
  private readonly evicted = new Map<string, WeakRef<Run>>();
  private readonly collected = new FinalizationRegistry<string>((k) => {
    if (this.evicted.get(k)?.deref() === undefined) this.evicted.delete(k);
  });
  private readonly loading = new Map<string, Promise<Run | undefined>>();

  /**
   * `busy`: runs that must stay in memory whatever the cache's size (a write in flight, a task
   * handed out, a retry waiting, someone waiting on it).
   */
  constructor(
    private readonly maxRuns: number,
    private readonly busy: (run: Run, key: string) => boolean,
  ) {}

  /** The run if it is in memory (without loading it, and without marking it used). */
  peek(key: RunKey): Run | undefined {
    return this.runs.get(runKeyString(key));
  }

  /** The cached run, or `read`'s (called once for concurrent callers); undefined if there is none. */
  async load(key: RunKey, read: () => Promise<Run | undefined>): Promise<Run | undefined> {
    const k = runKeyString(key);
    const cached = this.runs.get(k);
    if (cached) {
      this.runs.delete(k); // most recently used goes last
      this.runs.set(k, cached);
      return cached;
    }
    const held = this.evicted.get(k)?.deref();
    if (held) {
      this.evicted.delete(k);
      this.trim();
      this.runs.set(k, held);
      return held;
    }
    let p = this.loading.get(k);
    if (!p) {
      p = (async () => {
        const run = await read();
        if (!run) return undefined;
        const raced = this.runs.get(k) ?? this.evicted.get(k)?.deref();
        if (raced) return raced;
        this.trim(); // before inserting, so the run being handed out is never the one dropped
        this.runs.set(k, run);
        return run;
      })().finally(() => this.loading.delete(k));
      this.loading.set(k, p);
    }
    return p;
  }

  /** Puts a run that is being created into the cache. */
  add(run: Run): void {
    this.trim();
    this.runs.set(runKeyString(run.key), run);
  }

  /** Drops `run` if it is the cached one. */
  remove(run: Run): void {
    const k = runKeyString(run.key);
    if (this.runs.get(k) === run) this.runs.delete(k);
  }

  /** Drops every run (cached or held by weak reference) that `gone` says no longer exists; returns them. */
  dropWhere(gone: (run: Run) => boolean): Run[] {
    const dropped: Run[] = [];
    for (const [k, run] of this.runs) {
      if (!gone(run)) continue;
      this.runs.delete(k);
      dropped.push(run);
    }
    for (const [k, ref] of this.evicted) {
      const run = ref.deref();
      if (run && !gone(run)) continue;
      this.evicted.delete(k);
      if (run) dropped.push(run);
    }
    return dropped;
  }

  /** The runs in memory. */
  values(): IterableIterator<Run> {
    return this.runs.values();
  }

  private trim(): void {
    if (this.runs.size < this.maxRuns) return;
    for (const [k, run] of this.runs) {
      if (this.runs.size <= this.maxRuns * 0.9) break;
      if (this.busy(run, k)) continue;
      this.runs.delete(k);
      this.evicted.set(k, new WeakRef(run));
      this.collected.register(run, k);
    }
  }
}
