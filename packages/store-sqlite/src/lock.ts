// Single-process ownership of a database file.
//
// The real lock is SQLite's own: the store runs with locking_mode=EXCLUSIVE, so from its first
// statement it holds a file lock that only it can use. The kernel drops that lock when the process
// dies, so a crashed owner never blocks the next open. `<path>.lock` just records who the owner is
// (its pid, its program, and the URL when it is an endure server) so the error can name it and
// say how to reach it; a leftover file from a killed process is simply overwritten.
import { chmodSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PRIVATE_MODE } from './file-mode.js';

/** What the owner of a database wrote about itself; `pid` undefined when nothing is known. */
export interface DatabaseHolder {
  pid?: number;
  /** The script it runs (argv[1]), e.g. /srv/app/dist/main.js. */
  program?: string;
  /** The URL it serves the database at, when it is an endure server. */
  server?: string;
}

/** The one line a user sees when another process holds the database, with what to do. */
function lockedMessage(path: string, h: DatabaseHolder): string {
  if (h.pid === process.pid) return `database ${path} is already open by process ${h.pid} (this process); close it before opening it again, or share the open one`;
  if (h.server) {
    return `database ${path} is in use by the Endure server at ${h.server} (process ${h.pid}): connect to that server instead (ENDURE_ADDRESS=${h.server}, or pass it as --address or Connection.connect({ address })), or use another database file`;
  }
  const who = h.pid === undefined ? 'another process' : `process ${h.pid}${h.program ? ` (${h.program})` : ''}`;
  const stop = h.pid === undefined ? '' : `, or stop process ${h.pid}`;
  return `database ${path} is in use by ${who}, and one process owns a database file: to share it, serve it with \`endure server start-dev --db ${path}\` and connect every process to the address it prints${stop}, or use another database file`;
}

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  declare readonly path: string;
  /** The owning process, when known. */
  declare readonly pid: number | undefined;
  /** The URL of the endure server that owns it, when that is what owns it. */
  declare readonly server: string | undefined;
  declare readonly program: string | undefined;

  constructor(path: string, holder: DatabaseHolder = {}) {
    super(lockedMessage(path, holder));
    // Not enumerable: an uncaught one prints as its message, without a dump of these after it.
    for (const [k, v] of Object.entries({ path, pid: holder.pid, server: holder.server, program: holder.program })) {
      Object.defineProperty(this, k, { value: v, enumerable: false });
    }
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
  if (openHere.has(absPath)) throw new DatabaseLockedError(absPath, { pid: process.pid });
  openHere.add(absPath);
  return () => openHere.delete(absPath);
}

export function isLockBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** The error for a database whose SQLite lock is held elsewhere. */
export function lockedError(absPath: string): DatabaseLockedError {
  const holder = readOwner(absPath);
  // A dead pid means the file is stale and whoever holds the lock has not written theirs yet.
  return new DatabaseLockedError(absPath, holder.pid !== undefined && isAlive(holder.pid) ? holder : {});
}

/** Records this process as the owner of `absPath`, with what it is (see DatabaseHolder). */
export function writeOwner(absPath: string, server?: string): void {
  const file = ownerFile(absPath);
  const about: DatabaseHolder = { program: process.argv[1], ...(server ? { server } : {}) };
  // The pid alone on the first line, as files written before the rest was recorded.
  writeFileSync(file, `${process.pid}\n${JSON.stringify(about)}\n`, { mode: PRIVATE_MODE });
  chmodSync(file, PRIVATE_MODE); // the mode above applies only when the file is new
}

/**
 * An endure server serving the database at `path` says so in its owner file, so that another
 * process trying to open the file is told to connect to `url` instead.
 */
export function recordServerUrl(path: string, url: string): void {
  try {
    const abs = canonicalPath(path);
    if (readOwner(abs).pid === process.pid) writeOwner(abs, url);
  } catch {
    // Only a courtesy to whoever comes next: never a reason for the server not to run.
  }
}

/** Removes the pid file if it is still ours. */
export function removeOwner(absPath: string): void {
  if (readOwner(absPath).pid === process.pid) rmSync(ownerFile(absPath), { force: true });
}

function ownerFile(absPath: string): string {
  return `${absPath}.lock`;
}

function readOwner(absPath: string): DatabaseHolder {
  let text: string;
  try {
    text = readFileSync(ownerFile(absPath), 'utf8');
  } catch {
    return {};
  }
  const nl = text.indexOf('\n');
  const pid = Number.parseInt(nl < 0 ? text : text.slice(0, nl), 10);
  const rest = nl < 0 ? '' : text.slice(nl + 1);
  if (!(Number.isInteger(pid) && pid > 0)) return {};
  let about: { program?: unknown; server?: unknown } = {};
  try {
    about = (JSON.parse(rest) as typeof about) ?? {};
  } catch {
    // a file from before the details were recorded: the pid is all there is
  }
  return {
    pid,
    ...(typeof about.program === 'string' ? { program: about.program } : {}),
    ...(typeof about.server === 'string' ? { server: about.server } : {}),
  };
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
