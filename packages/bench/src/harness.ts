// Shared helpers for the bench scenarios: logging, percentiles, temp dirs, worker+client setup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker, type WorkerOptions } from '@endure/worker';
import * as activities from './activities.js';

export const TASK_QUEUE = 'bench';

/** Progress goes to stderr; stdout carries only the final JSON document. */
export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function distribution(values: readonly number[]): Distribution {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    min: round(s[0] ?? NaN),
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
    mean: round(mean),
  };
}

export interface Target {
  metric: string;
  op: '<=' | '>=';
  target: number;
  value: number;
  unit: string;
  pass: boolean;
}

export function target(metric: string, op: Target['op'], goal: number, value: number, unit: string): Target {
  return { metric, op, target: goal, value: round(value), unit, pass: op === '<=' ? value <= goal : value >= goal };
}

export interface ScenarioResult {
  description: string;
  settings: Record<string, unknown>;
  results: Record<string, unknown>;
  targets: Target[];
  notes?: string[];
}

/** Compiled path of a workflows module under dist/src/workflows. */
export function workflowsPath(name: string): string {
  return fileURLToPath(new URL(`./workflows/${name}.js`, import.meta.url));
}

export type WorkerTuning = Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>;

/** BENCH_WORKER='{"maxConcurrentWorkflowTaskExecutions":200}' overrides worker options, for experiments. */
export function workerOverrides(): WorkerTuning {
  const raw = process.env['BENCH_WORKER'];
  return raw ? (JSON.parse(raw) as WorkerTuning) : {};
}

export interface Env {
  dir: string;
  dbFile: string;
  worker: Worker;
  client: Client;
  /** Stops the worker, closes both connections and deletes the temp dir. Idempotent. */
  teardown(): Promise<void>;
}

/**
 * The embedded default on a fresh SQLite file in its own temp dir (WAL, synchronous=FULL — the
 * store's defaults, untouched): a running worker with the no-op activity, and a client.
 */
export async function setup(workflows: string, tuning: WorkerTuning, database?: string): Promise<Env> {
  Object.assign(tuning, workerOverrides());
  const dir = mkdtempSync(join(tmpdir(), 'endure-bench-'));
  const dbFile = join(dir, 'bench.db');
  const address = database ?? `sqlite:${dbFile}`;
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: workflowsPath(workflows),
    activities,
    ...tuning,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  let done: Promise<void> | undefined;
  const teardown = () =>
    (done ??= (async () => {
      worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
        await workerConnection.close();
        rmSync(dir, { recursive: true, force: true });
      }
    })());
  return { dir, dbFile, worker, client, teardown };
}

/** Runs `fn` with a fresh environment (a new SQLite file, or the `database` address given) and always tears it down. */
export async function withEnv<T>(workflows: string, tuning: WorkerTuning, fn: (env: Env) => Promise<T>, database?: string): Promise<T> {
  const env = await setup(workflows, tuning, database);
  try {
    return await fn(env);
  } finally {
    await env.teardown();
  }
}

/** The client for the i-th workflow: one client, or a list taken in turn (a cluster: one connection per first node). */
export function clientFor(clients: Client | readonly Client[], i: number): Client {
  return Array.isArray(clients) ? clients[i % clients.length]! : (clients as Client);
}

/** Calls fn(0..count-1) with at most `concurrency` calls in flight (a new one starts as one ends). */
export async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Full GC (needs --expose-gc), a few rounds so finalizers and weak callbacks settle. */
export async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('GC is not exposed: run with node --expose-gc (main.js does this for its children)');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  await sleepMs(50);
  gc();
}

/** Polls `cond` every `everyMs` until true, or throws after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleepMs(everyMs);
  }
}
