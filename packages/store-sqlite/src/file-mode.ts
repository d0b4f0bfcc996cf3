// The database holds every workflow's inputs and results: its files are the owner's alone. SQLite
// creates `<file>-wal` (and `-shm`, `-journal`) with the mode of the database file, so creating
// that one 0600 before SQLite opens it is what keeps them all private.
import { chmodSync, closeSync, constants, openSync, statSync } from 'node:fs';

/** Read and write for the owner only. */
export const PRIVATE_MODE = 0o600;

/**
 * Creates `path` empty with mode 0600 if it does not exist (SQLite treats an empty file as a new
 * database). An existing file readable by everyone (made by an older version, which left the
 * default 0644) loses the permissions of "others"; its owner's and group's stay as they were set.
 */
export function preparePrivateFile(path: string): void {
  try {
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, PRIVATE_MODE));
    return;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'EEXIST') return; // SQLite's open reports it, explained (storage-errors.ts)
  }
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o007) chmodSync(path, mode & ~0o007);
  } catch {
    // Not ours to change (another owner, a read-only file system): opening says what is wrong if it matters.
  }
}
