// A PostgreSQL server of a test's own, which the test may stop, restart or kill -9 without
// disturbing the machine's shared server (other tests use that one at the same time).
//
// initdb writes a cluster into a temporary directory (without fsync: a test's throwaway cluster
// need not survive a power cut while it is created); the server itself runs with fsync on, as
// deployments do, on a free port of 127.0.0.1 and no Unix socket. PostgreSQL refuses to run as
// root, so when the tests run as root the binaries run as the `postgres` OS user (runuser), which
// owns the directory. pg_ctl detaches the postmaster from this process: `kill()` and the exit
// hook find it through postmaster.pid.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian puts a PostgreSQL's server binaries; ENDURE_TEST_PG_BIN overrides it. */
function binDir(): string {
  const env = process.env['ENDURE_TEST_PG_BIN'];
  if (env) return env;
  for (const v of ['17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('no PostgreSQL server binaries found under /usr/lib/postgresql/<version>/bin: install postgresql, or set ENDURE_TEST_PG_BIN to the directory holding initdb and pg_ctl');
}

/** How the server stops: `fast` ends sessions and checkpoints; `immediate` quits at once, and the next start recovers from the WAL. */
export type StopMode = 'fast' | 'immediate';

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, plus `?schema=` when given. */
  url(schema?: string): string;
  /** Starts the server again after stop() or kill(); resolves once it accepts connections. */
  start(): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  restart(mode?: StopMode): Promise<void>;
  /** SIGKILL to the postmaster, as a crash: resolves once the process is gone (start() recovers). */
  kill(): Promise<void>;
  /** Stops the server (immediately) and deletes its directory. */
  destroy(): Promise<void>;
}

/** Creates a cluster in a fresh temporary directory and starts it. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'endure-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  // The directory is the postgres user's, so the server (run as that user) can write into it.
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const exec = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  try {
    await exec('initdb', ['-D', data, '-N', '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb of a private PostgreSQL in ${dir} failed: ${describe(e)}`);
  }
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    `-c fsync=on`,
    `-c shared_buffers=16MB`,
    `-c max_connections=50`,
  ].join(' ');

  let destroyed = false;
  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  // If the test process ends without destroy(), its server must not outlive it.
  const onExit = () => {
    const pid = postmasterPid();
    if (pid !== undefined) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const pg: PrivatePostgres = {
    port,
    url: (schema) => `postgres://postgres@127.0.0.1:${port}/postgres${schema ? `?schema=${schema}` : ''}`,
    async start() {
      // A postmaster that was just killed leaves a postmaster.pid naming it; until that process
      // is reaped, the new one takes it for a running server and refuses to start.
      for (let attempt = 1; ; attempt++) {
        try {
          await exec('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', serverOptions]);
          return;
        } catch (e) {
          if (attempt >= 10) throw new Error(`the private PostgreSQL on port ${port} did not start: ${describe(e)}; its log: ${tail(log)}`);
          await new Promise((r) => setTimeout(r, 300 * attempt));
        }
      }
    },
    async stop(mode = 'fast') {
      if (postmasterPid() === undefined) return;
      await exec('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '60']);
    },
    async restart(mode = 'fast') {
      await pg.stop(mode);
      await pg.start();
    },
    async kill() {
      const pid = postmasterPid();
      if (pid === undefined) throw new Error(`the private PostgreSQL on port ${port} is not running`);
      signal(pid, 'SIGKILL');
      // Gone, not merely dead: a zombie still counts as a running postmaster to the next start.
      const deadline = Date.now() + 30_000;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.removeListener('exit', onExit);
      try {
        await pg.stop('immediate');
      } catch {
        const pid = postmasterPid();
        if (pid !== undefined) signal(pid, 'SIGKILL');
      }
      // Backends of a killed postmaster may still be writing their last files.
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
  try {
    await pg.start();
  } catch (e) {
    await pg.destroy();
    throw e;
  }
  return pg;
}

/** The `postgres` OS user's ids, from /etc/passwd. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('there is no postgres OS user to run a private PostgreSQL as (PostgreSQL refuses to run as root): install postgresql, which creates it');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Whether `pid` is alive (a zombie, awaiting its parent, counts as alive to kill(pid, 0)). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no free port on 127.0.0.1');
  return address.port;
}

function describe(e: unknown): string {
  const err = e as { message?: string; stderr?: string };
  return (err.stderr?.trim() || err.message || String(e)).slice(0, 2000);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
