// Temp directories and child processes for the store-sqlite tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  // realpath: the store names files by their canonical path, and tmpdir may be a symlink.
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'endure-sqlite-')));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a compiled fixture (dist/test/fixtures/<name>.js) and calls `onLine` per stdout line. */
export function startFixture(name: string, args: string[], onLine: (line: string) => void): ChildProcess {
  const script = fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout }).on('line', onLine);
  return child;
}

/** Resolves with the signal (or exit code) once the child has exited and its stdout is drained. */
export function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((done) => {
    child.once('close', (code, signal) => {
      done(signal ?? code);
    });
  });
}

/**
 * A tmpfs of `sizeKb` mounted on a fresh temp directory, for faults only a real file system
 * produces (full, read-only). Undefined where this process may not mount (not root, no
 * CAP_SYS_ADMIN): the caller skips, saying so.
 */
export async function smallFileSystem(sizeKb: number): Promise<{ dir: string; remount(options: string): void; cleanup: () => Promise<void> } | undefined> {
  const { dir, cleanup } = await tempDir();
  const mount = (args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
  try {
    mount(['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir]);
  } catch {
    await cleanup();
    return undefined;
  }
  return {
    dir,
    remount: (options) => mount(['-o', `remount,${options}`, dir]),
    cleanup: async () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      await cleanup();
    },
  };
}

/**
 * Makes `path` unwritable for this process for real: `chattr +i` as root (whom file modes do not
 * stop), mode 0444/0555 otherwise. Returns the undo, or undefined where neither works (a file
 * system without attributes, such as overlayfs, when root).
 */
export function makeUnwritable(path: string, isDir: boolean): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    chmodSync(path, isDir ? 0o555 : 0o444);
    return () => chmodSync(path, isDir ? 0o755 : 0o600);
  }
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  return () => execFileSync('chattr', ['-i', path], { stdio: 'pipe' });
}
