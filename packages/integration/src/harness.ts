import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@endure/client';
import { DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@endure/worker';
import type { EngineApi } from '@endure/protocol';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { freshPostgresSchema } from './postgres-schema.js';

/**
 * Which deployment the suite runs against: `embedded` (sqlite: in this process, the default),
 * `server` (a real `endure server` child process, reached over http://) or `postgres` (the engine
 * in this process on a fresh schema of the test PostgreSQL database). The test runner runs the
 * integration suite once in each of the first two (ENDURE_TEST_MODE=server for the second).
 */
export type TestMode = 'embedded' | 'server' | 'postgres';
const MODE = process.env['ENDURE_TEST_MODE'];
export const testMode: TestMode = MODE === 'server' || MODE === 'postgres' ? MODE : 'embedded';
/** For `it(..., { skip })` on tests of embedded-only features. */
export const embeddedOnly = testMode === 'server' ? 'embedded-only feature (ENDURE_TEST_MODE=server)' : false;

/** The engine with some methods replaced (to watch or fail calls); every other call goes to it. */
export function engineWith(engine: EngineApi, overrides: Partial<EngineApi>): EngineApi {
  return new Proxy(engine, {
    get: (target, prop) => {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof EngineApi];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Path of a compiled test workflow module, by file name under src/workflows. */
export function workflowsPath(name: string): string {
  return fileURLToPath(new URL(`./workflows/${name}.js`, import.meta.url));
}

/** Logger that keeps entries, so tests can assert on warnings without printing them. */
export function memoryLogger(): DefaultLogger & { entries: { level: string; message: string }[] } {
  const entries: { level: string; message: string }[] = [];
  const logger = new DefaultLogger('DEBUG', (e) => entries.push({ level: e.level, message: e.message }));
  return Object.assign(logger, { entries });
}

export interface RunningWorker {
  worker: Worker;
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A fresh engine on a temporary SQLite file — in this process, or behind a real server process —
 * or on a fresh PostgreSQL schema (see TestMode), with a client and helpers for workers.
 */
export class TestEnv {
  private workers: RunningWorker[] = [];
  private constructor(
    readonly dir: string,
    readonly address: string,
    readonly connection: Connection,
    readonly client: Client,
    readonly server: ServerProcess | undefined,
    /** Drops the PostgreSQL schema of a `postgres` mode environment. */
    private readonly dropSchema?: () => Promise<void>,
  ) {}

  static async create(): Promise<TestEnv> {
    const dir = mkdtempSync(join(tmpdir(), 'endure-it-'));
    const db = join(dir, 'endure.db');
    const pg = testMode === 'postgres' ? freshPostgresSchema('it') : undefined;
    const server = testMode === 'server' ? await startServerProcess(db) : undefined;
    const address = server ? server.address : pg ? pg.address : `sqlite:${db}`;
    const connection = await Connection.connect({ address });
    return new TestEnv(dir, address, connection, new Client({ connection }), server, pg?.drop);
  }

  /** Creates and runs a worker on this engine; stopped by close(). */
  async startWorker(opts: Omit<WorkerOptions, 'connection'>): Promise<RunningWorker> {
    const connection = await NativeConnection.connect({ address: this.address });
    const worker = await Worker.create({ logger: memoryLogger(), shutdownGraceTime: 500, ...opts, connection });
    const done = worker.run().finally(() => connection.close());
    const rw: RunningWorker = {
      worker,
      done,
      stop: async () => {
        worker.shutdown();
        await done;
      },
    };
    this.workers.push(rw);
    return rw;
  }

  /** Polls describe() until `pred` holds (or fails after timeoutMs). */
  async waitFor<T>(handle: WorkflowHandle<T>, pred: (d: Awaited<ReturnType<WorkflowHandle<T>['describe']>>) => boolean, timeoutMs = 10_000): Promise<Awaited<ReturnType<WorkflowHandle<T>['describe']>>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const d = await handle.describe();
      if (pred(d)) return d;
      if (Date.now() > end) throw new Error(`condition not reached within ${timeoutMs} ms; last description: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.connection.close();
    const code = await this.server?.stop();
    if (this.server && code !== 0) throw new Error(`server exited with code ${code} on SIGTERM; stderr:\n${this.server.stderr()}`);
    rmSync(this.dir, { recursive: true, force: true });
    await this.dropSchema?.();
  }
}

let seq = 0;
/** A workflow id unique within this test process. */
export function uid(prefix = 'wf'): string {
  return `${prefix}-${process.pid}-${++seq}`;
}
