// The server-mode environment: a real `endure server` process on a fresh SQLite file, a worker
// process connected to it over HTTP (server-worker.ts), and a client in this process. All three
// are separate processes; every child is stopped on teardown, killed if it does not stop, and
// killed at exit if this process ends some other way.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { startServerProcess, type ServerProcess } from '@endure/integration/server-process';
import { log, round, workerOverrides, type WorkerTuning } from './harness.js';
import type { WorkerMessage } from './server-worker.js';

/** How long a child gets to stop by itself before it is killed. */
const STOP_GRACE_MS = 15_000;

export interface ServerEnv {
  url: string;
  client: Client;
  /** Process ids, for CPU accounting (cpuSecondsOf). */
  pids: { server: number; worker: number };
  /** Rejects if the server or the worker process exits before teardown (a scenario would hang on it). */
  crashed: Promise<never>;
  /** Stops the worker, the client connection and the server, and deletes the temp dir. Idempotent. */
  teardown(): Promise<void>;
}

/** CPU time (user + system) a process has used so far, from /proc; NaN where there is none. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Starts counting the CPU seconds of the three processes; the function returns them so far. */
export function cpuMeter(pids: ServerEnv['pids']): () => { server: number; worker: number; client: number } {
  const server = cpuSecondsOf(pids.server);
  const worker = cpuSecondsOf(pids.worker);
  const client = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(client);
    return { server: round(cpuSecondsOf(pids.server) - server), worker: round(cpuSecondsOf(pids.worker) - worker), client: round((c.user + c.system) / 1e6) };
  };
}

/** With BENCH_PROFILE_DIR set, the process writes a CPU profile there at exit (server-profile.ts). */
export function profiling(role: 'server' | 'worker'): NodeJS.ProcessEnv {
  if (!process.env['BENCH_PROFILE_DIR']) return {};
  const preload = new URL('./server-profile.js', import.meta.url).href;
  return { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${preload}`.trim(), BENCH_PROFILE_ROLE: role };
}

export const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Waits for `exited`, killing the process if it takes longer than the grace time. */
export async function stopWithin(what: string, exited: Promise<unknown>, kill: () => unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), STOP_GRACE_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    log(`${what} did not stop within ${STOP_GRACE_MS} ms; killing it`);
    kill();
    await exited;
  }
  clearTimeout(timer);
}

/** A worker process (server-worker.ts) on `url`; if it is orphaned it kills `serverPids` too. Resolves once it polls. */
export function startWorker(url: string, workflows: string, tuning: WorkerTuning, serverPids: readonly number[]): Promise<ChildProcess> {
  const entry = fileURLToPath(new URL('./server-worker.js', import.meta.url));
  const child = fork(entry, [url, workflows, JSON.stringify(tuning), serverPids.join(',')], {
    stdio: ['ignore', 2, 2, 'ipc'],
    env: { ...process.env, ...profiling('worker') },
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the worker process exited (code ${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: WorkerMessage) => {
      child.off('exit', onExit);
      if ('ready' in m) return resolve(child);
      child.kill('SIGKILL');
      reject(new Error(`the worker process failed: ${m.failed}`));
    });
  });
}

export async function setupServer(workflows: string, tuning: WorkerTuning): Promise<ServerEnv> {
  Object.assign(tuning, workerOverrides());
  const dir = mkdtempSync(join(tmpdir(), 'endure-bench-server-'));
  let server: ServerProcess | undefined;
  let worker: ChildProcess | undefined;
  let connection: Connection | undefined;
  // Last resort if this process exits without a teardown (an uncaught error, process.exit).
  const killAll = () => {
    worker?.kill('SIGKILL');
    server?.child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let done: Promise<void> | undefined;
  const teardown = () =>
    (done ??= (async () => {
      try {
        await connection?.close();
        if (worker) {
          const w = worker;
          if (w.connected) w.send('stop');
          else w.kill('SIGTERM');
          await stopWithin('the worker process', exitOf(w), () => w.kill('SIGKILL'));
        }
        if (server) {
          const s = server;
          await stopWithin('the server process', s.stop(), () => s.kill());
        }
      } finally {
        killAll();
        process.off('exit', killAll);
        rmSync(dir, { recursive: true, force: true });
      }
    })());
  try {
    server = await startServerProcess(process.env['BENCH_SERVER_DB'] ?? join(dir, 'bench.db'), { env: profiling('server') });
    worker = await startWorker(server.address, workflows, tuning, [server.child.pid!]);
    connection = await Connection.connect({ address: server.address });
    const s = server;
    const crashed = new Promise<never>((_, reject) => {
      const onExit = (what: string) => (code: number | null, signal: string | null) => {
        if (!done) reject(new Error(`the ${what} process exited during the scenario (code ${code}, signal ${signal})${what === 'server' ? `; stderr:\n${s.stderr().slice(-2000)}` : ''}`));
      };
      s.child.once('exit', onExit('server'));
      worker!.once('exit', onExit('worker'));
    });
    crashed.catch(() => {}); // observed by withServerEnv; unobserved when setupServer is used directly
    return { url: server.address, client: new Client({ connection }), pids: { server: server.child.pid!, worker: worker.pid! }, crashed, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** Runs `fn` with a fresh server-mode environment and always tears it down. */
export async function withServerEnv<T>(workflows: string, tuning: WorkerTuning, fn: (env: ServerEnv) => Promise<T>): Promise<T> {
  const env = await setupServer(workflows, tuning);
  try {
    return await Promise.race([fn(env), env.crashed]);
  } finally {
    await env.teardown();
  }
}
