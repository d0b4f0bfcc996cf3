// SQLite's own messages do not say what is wrong with the file or what to do: a database on a
// read-only file system fails with "disk I/O error", a full disk with "database or disk is full".
// This turns such errors into one message naming the file, the cause and the fix. The `code`
// (SQLITE_FULL, SQLITE_IOERR_LOCK, …) is kept, so callers can still tell them apart.
import { StoredDataCorruptError } from '@endure/storage';
import { damaged, isCorruption } from './integrity.js';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { dirname } from 'node:path';

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** What an OS error code says about why a path cannot be written. */
const WHY_NOT_WRITABLE: Record<string, string> = {
  EROFS: 'is on a file system mounted read-only',
  EACCES: 'is not writable by this user (check its owner and mode)',
  EPERM: 'may not be written (immutable, `chattr +i`, or a security policy)',
};

/**
 * Why `path` (or its directory, where SQLite creates `<file>-wal`) cannot be written, found by
 * trying: SQLite's codes for it vary (READONLY, CANTOPEN, IOERR_LOCK, IOERR_WRITE) with the
 * platform and the moment it notices. Undefined when both are writable.
 */
export function whyNotWritable(path: string): string | undefined {
  try {
    closeSync(openSync(path, constants.O_RDWR));
  } catch (e) {
    const why = WHY_NOT_WRITABLE[codeOf(e) ?? ''];
    if (why) return `the file ${why}`;
  }
  const dir = dirname(path);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const why = WHY_NOT_WRITABLE[codeOf(e) ?? ''];
    if (why) return `its directory ${dir} ${why}, and SQLite must create ${path}-wal there`;
    if (codeOf(e) === 'ENOENT') return `its directory ${dir} does not exist`;
  }
  return undefined;
}

/** Codes after which SQLite may have been refused writing: worth finding out why. */
const maybeReadOnly = (code: string) => code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM';

/**
 * The error to report for a failure of SQLite on the file `path`: one that names the file, the
 * cause and the fix when the cause is known (full disk, read-only file or directory, failing
 * disk), else the original.
 */
export function explainStorageError(e: unknown, path: string): unknown {
  // Damage our own checks found (named here, where the file is known), or SQLite's own verdict.
  if (e instanceof StoredDataCorruptError && !e.message.startsWith('database ')) return damaged(path, e.message);
  if (isCorruption(e)) return damaged(path, (e as Error).message);
  const code = codeOf(e);
  if (!code?.startsWith('SQLITE_')) return e;
  if (code === 'SQLITE_FULL') {
    return new StorageError(
      `database ${path}: the disk is full (SQLITE_FULL); free space on the file system that holds ${dirname(path)} (see \`df ${dirname(path)}\`) or move the database to a larger one`,
      code,
    );
  }
  if (maybeReadOnly(code)) {
    const why = whyNotWritable(path);
    if (why) {
      return new StorageError(
        `database ${path} cannot be written: ${why} (SQLite reported ${code}); make the file and its directory writable, or use a database file in a writable location`,
        code,
      );
    }
    if (code.startsWith('SQLITE_IOERR')) {
      const message = (e as Error).message;
      return new StorageError(`database ${path}: ${message} (${code}); the disk or file system failed, see the system log (\`dmesg\`)`, code);
    }
  }
  return e;
}
