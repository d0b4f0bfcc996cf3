// Single-process ownership of a database file.
//
// The real lock is SQLite's own: the store runs with locking_mode=EXCLUSIVE, so from its first
// statement it holds a file lock that only it can use. The kernel drops that lock when the process
// dies, so a crashed owner never blocks the next open. `<path>.lock` just records the owner's pid
// so the error can name it; a leftover file from a killed process is simply overwritten.
import { chmodSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PRIVATE_MODE } from './file-mode.js';

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  constructor(
    readonly path: string,
    /** The owning process, when known. */
    readonly pid: number | undefined,
  ) {
    super(
      pid === undefined
        ? `database ${path} is already open by another process; an Endure engine owns its database alone: stop the other one, or use another file`
        : pid === process.pid
          ? `database ${path} is already open by process ${pid} (this process); close it before opening it again, or share the open one`
          : `database ${path} is already open by process ${pid}; an Endure engine owns its database alone: stop that process (\`kill ${pid}\`), or use another file`,
    );
  }
}

/** One name per file, so two spellings of a path (symlinks, `..`) meet the same claim. */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    // The file does not exist yet; its directory must.
  }
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch (e) {
    const missing = (e as { code?: unknown }).code === 'ENOENT';
    throw new Error(missing ? `cannot create database ${abs}: its directory ${dirname(abs)} does not exist; create it first` : `cannot open database ${abs}: ${(e as Error).message}`);
  }
}

/** Paths this process has open: a second open here fails at once, naming this process. */
const openHere = new Set<string>();

/** Reserves `absPath` for this process, or throws; returns the release function. */
export function claimInProcess(absPath: string): () => void {
  if (openHere.has(absPath)) throw new DatabaseLockedError(absPath, process.pid);
  openHere.add(absPath);
  return () => openHere.delete(absPath);
}

export function isLockBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** The error for a database whose SQLite lock is held elsewhere. */
export function lockedError(absPath: string): DatabaseLockedError {
  const pid = readOwner(absPath);
  // A dead pid means the file is stale and whoever holds the lock has not written theirs yet.
  return new DatabaseLockedError(absPath, pid !== undefined && isAlive(pid) ? pid : undefined);
}

export function writeOwner(absPath: string): void {
  const file = ownerFile(absPath);
  writeFileSync(file, `${process.pid}\n`, { mode: PRIVATE_MODE });
  chmodSync(file, PRIVATE_MODE); // the mode above applies only when the file is new
}

/** Removes the pid file if it is still ours. */
export function removeOwner(absPath: string): void {
  if (readOwner(absPath) === process.pid) rmSync(ownerFile(absPath), { force: true });
}

function ownerFile(absPath: string): string {
  return `${absPath}.lock`;
}

function readOwner(absPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(ownerFile(absPath), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as { code?: unknown }).code === 'EPERM';
  }
}
