// The embedded engine the invokers call the real APIs against: one per process, on a temporary
// SQLite file (opening a fresh engine costs about a second, and there are dozens of calls). It is
// closed, and its files deleted, once no call has used it for a moment, so it never keeps the
// options-table test's process from exiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { DefaultLogger, NativeConnection, Worker, type WorkflowBundle } from '@endure/worker';

/** Calls the real API once: the table's options type with minimal valid options plus `option: value`. */
export type OptionInvoker = (option: string, value?: unknown) => Promise<unknown>;

/** What an invoker passes when the test gives no value: any value but undefined is "set". */
export const SET = true;

/** Idle time after which the shared engine closes. */
const IDLE_CLOSE_MS = 500;

interface Engine {
  dir: string;
  address: string;
  native: NativeConnection;
  client?: Client;
  clientConnection?: Connection;
  probeWorker?: { taskQueue: string; running: Promise<void>; worker: Worker };
}

let engine: Promise<Engine> | undefined;
let users = 0;
let idle: NodeJS.Timeout | undefined;

async function open(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'endure-invoker-'));
  const address = `sqlite:${join(dir, 'endure.db')}`;
  return { dir, address, native: await NativeConnection.connect({ address }) };
}

async function close(e: Engine): Promise<void> {
  if (e.probeWorker) {
    e.probeWorker.worker.shutdown();
    await e.probeWorker.running.catch(() => {});
  }
  await e.clientConnection?.close();
  await e.native.close();
  rmSync(e.dir, { recursive: true, force: true });
}

/** Runs `fn` against the shared embedded engine (opened on first use, closed when idle). */
export async function withEmbeddedEngine<T>(fn: (e: Engine) => Promise<T>): Promise<T> {
  clearTimeout(idle);
  users++;
  try {
    engine ??= open();
    return await fn(await engine);
  } finally {
    if (--users === 0) {
      idle = setTimeout(() => {
        const closing = engine;
        engine = undefined;
        void closing?.then(close);
      }, IDLE_CLOSE_MS);
    }
  }
}

/** A client on the shared engine. */
export async function clientOf(e: Engine): Promise<Client> {
  if (!e.client) {
    e.clientConnection = await Connection.connect({ address: e.address });
    e.client = new Client({ connection: e.clientConnection });
  }
  return e.client;
}

/** A worker on the shared engine running `workflowBundle` on its task queue (started once). */
export async function probeWorker(e: Engine, workflowBundle: WorkflowBundle): Promise<string> {
  if (!e.probeWorker) {
    const taskQueue = 'option-probe';
    const worker = await Worker.create({ connection: e.native, taskQueue, workflowBundle, logger: new DefaultLogger('ERROR') });
    e.probeWorker = { taskQueue, worker, running: worker.run() };
  }
  return e.probeWorker.taskQueue;
}
