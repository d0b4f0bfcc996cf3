// The parts of the server-mode crash tests: a free port to restart a server on, and worker
// child processes (src/server/worker-process.ts) that can be SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const WORKER_SCRIPT = fileURLToPath(new URL('../../src/server/worker-process.js', import.meta.url));

/** The kill-timing seed: CRASH_SEED to re-run a failing case, else a new one. */
export const crashSeed = (): number => Number(process.env['CRASH_SEED'] ?? Date.now() % 100_000);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A worker child process on `taskQueue`; resolves once it polls. `log` collects its activity executions. */
export function startWorkerProcess(address: string, taskQueue: string, log: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_SCRIPT, address, taskQueue], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENDURE_CRASH_LOG: log } });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => (d.startsWith('ready') ? resolve(child) : reject(new Error(`worker said ${d}`))));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err}`)));
  });
}
