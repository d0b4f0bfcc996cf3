// Tests that need the dev server's default port (7233: `endure server start-dev` with no --port,
// clients with no address) take it in turn. node --test runs test files in parallel processes,
// so the turn is a lock directory in the temporary folder — mkdir is atomic — holding its
// owner's pid; a lock whose owner died (a killed test run) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'endure-test-port-7233.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(): boolean {
  try {
    mkdirSync(LOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      return false; // its owner is between mkdir and writing its pid
    }
    if (Number.isInteger(owner) && alive(owner)) return false;
    rmSync(LOCK, { recursive: true, force: true });
    return tryTake();
  }
  writeFileSync(join(LOCK, 'pid'), String(process.pid));
  return true;
}

/** Runs `fn` while no other test process uses port 7233 through this lock. */
export async function withDevServerPort<T>(fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  const giveUp = Date.now() + waitMs;
  while (!tryTake()) {
    if (Date.now() > giveUp) throw new Error(`port 7233 stayed in use by another test process for ${waitMs} ms (lock ${LOCK})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
