// Child processes for the packing tests: every one has a time limit and its output is kept, so a
// failure says what the process said instead of hanging the suite.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  /** Added to projectEnv(). */
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long. Default 3 minutes. */
  timeoutMs?: number;
}

/**
 * The environment for a project's processes: this one's, without what npm sets for the script
 * that runs the tests (npm_config_*: a nested `npm install` would take the repository's settings),
 * node:test's child marker and Endure's own variables. npm's cache stays shared.
 */
export function projectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|NODE_TEST_CONTEXT$|ENDURE_|INIT_CWD$)/i.test(k) && k.toLowerCase() !== 'npm_config_cache') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** What a finished process said, for an assertion message. */
export function describeRun(what: string, r: Finished): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`;
  return `${what} ${how}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-6000)}`;
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.once('error', (err) => {
      stderr += String(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs `command` to its end. */
export function run(command: string, args: readonly string[], opts: RunOptions): Promise<Finished> {
  const child = spawn(command, args, { cwd: opts.cwd, env: projectEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, opts.timeoutMs ?? 180_000);
}

/** Runs `command` to its end and throws, with its output, unless it exits 0. */
export async function runOk(what: string, command: string, args: readonly string[], opts: RunOptions): Promise<Finished> {
  const r = await run(command, args, opts);
  if (r.code !== 0) throw new Error(describeRun(what, r));
  return r;
}

export interface Started {
  /** The first stdout line that matched `ready`. */
  readyLine: string;
  /** SIGTERM, then what it said by its end. */
  stop(): Promise<Finished>;
}

/** Starts a long-running process and waits for a stdout line matching `ready`. */
export function start(what: string, command: string, args: readonly string[], opts: RunOptions & { ready: RegExp }): Promise<Started> {
  const child = spawn(command, args, { cwd: opts.cwd, env: projectEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const finished = collect(child, opts.timeoutMs ?? 180_000);
  let seen = '';
  return new Promise((resolve, reject) => {
    const onData = (d: string) => {
      seen += d;
      const line = seen.split('\n').find((l) => opts.ready.test(l));
      if (line === undefined) return;
      child.stdout?.off('data', onData);
      resolve({
        readyLine: line,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return finished;
        },
      });
    };
    child.stdout?.on('data', onData);
    void finished.then((r) => reject(new Error(describeRun(`${what} (before it was ready)`, r))));
  });
}
