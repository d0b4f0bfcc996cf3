import { toMs } from '@endure/common';
import { activator, maybeActivator } from './current.js';

function refuse(name: string, why: string): () => never {
  return function refused() {
    throw new Error(`${name} is not allowed in workflow code: ${why}`);
  };
}

/**
 * Replaces the sandbox's sources of nondeterminism: Date reads the workflow's logical clock,
 * Math.random its seeded generator, setTimeout becomes a durable timer, and GC-observing
 * globals are refused. Runs once per sandbox realm.
 */
export function installDeterministicGlobals(g: typeof globalThis, log: (level: string, msg: string) => void): void {
  const OriginalDate = g.Date;
  const now = () => activator('Date').now;
  function DeterministicDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new OriginalDate(now()).toString();
    return args.length === 0 ? new OriginalDate(now()) : new (OriginalDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  DeterministicDate.prototype = OriginalDate.prototype;
  Object.assign(DeterministicDate, { now, parse: OriginalDate.parse, UTC: OriginalDate.UTC });
  g.Date = DeterministicDate as unknown as DateConstructor;

  g.Math.random = () => activator('Math.random()').random();

  const timeouts = new Map<number, number>();
  let lastTimeoutId = 0;
  g.setTimeout = ((cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const a = activator('setTimeout()');
    const id = ++lastTimeoutId;
    const seq = a.startTimer(toMs(ms ?? 0, 'setTimeout delay'), () => {
      timeouts.delete(id);
      try {
        cb(...args);
      } catch (err) {
        a.failTask(err);
      }
    });
    timeouts.set(id, seq);
    return id;
  }) as unknown as typeof setTimeout;
  g.clearTimeout = ((id: number) => {
    const seq = timeouts.get(id);
    if (seq === undefined) return;
    timeouts.delete(id);
    activator('clearTimeout()').cancelTimer(seq);
  }) as unknown as typeof clearTimeout;
  g.setInterval = refuse('setInterval', 'use a loop with sleep() instead') as unknown as typeof setInterval;
  g.WeakRef = refuse('WeakRef', 'garbage collection is not deterministic') as unknown as WeakRefConstructor;
  g.FinalizationRegistry = refuse('FinalizationRegistry', 'garbage collection is not deterministic') as unknown as FinalizationRegistryConstructor;

  const write = (level: string) => (...args: unknown[]) => {
    const a = maybeActivator();
    if (a?.replaying) return;
    log(level, args.map((x) => (typeof x === 'string' ? x : safeInspect(x))).join(' '));
  };
  (g as { console: unknown }).console = {
    log: write('INFO'), info: write('INFO'), debug: write('DEBUG'), warn: write('WARN'), error: write('ERROR'), trace: write('TRACE'),
  };
}

function safeInspect(x: unknown): string {
  if (x instanceof Error) return x.stack ?? x.message;
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
}
