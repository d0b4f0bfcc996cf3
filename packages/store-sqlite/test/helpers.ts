// Temp directories and child processes for the store-sqlite tests.
import { spawn, type ChildProcess } from 'node:child_process';
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
