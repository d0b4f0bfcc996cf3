// A real `endure server` child process on a SQLite file, for tests that run over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The server package's runnable entry (prints one JSON line with its address when ready). */
export function serverEntry(): string {
  const main = fileURLToPath(import.meta.resolve('@endure/server')); // <pkg>/dist/src/index.js (the ESM build, as the endure bin runs it)
  return join(dirname(main), 'http', 'run-server.js');
}

export interface ServerProcess {
  readonly address: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM (graceful) and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no grace; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts a server on `dbPath` (any free port unless `port` is given) and waits until it is ready. */
export async function startServerProcess(dbPath: string, opts: { port?: number; args?: string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  const args = [serverEntry(), '--db', dbPath, '--port', String(opts.port ?? 0), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never left running behind a test that gave up on it
      reject(new Error(`server did not report ready within ${readyTimeoutMs / 1000} s; stderr:\n${err}`));
    }, readyTimeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const ready = JSON.parse(line) as { address?: string; url?: string };
        const a = ready.address ?? ready.url;
        if (!a) throw new Error('no address in it');
        resolve(a);
      } catch (e) {
        reject(new Error(`server's first line is not its ready line (${String(e)}): ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready; stderr:\n${err}`));
    });
  });
  return {
    address,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
