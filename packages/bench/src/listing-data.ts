// The listing benchmark's data: a million runs that look like a month of production traffic
// (skewed workflow types, mostly closed, start times in arrival order, customer ids and tags as
// search attributes), written with the store's own createWorkflow plans (bulkLoadWorkflows: the
// same rows — run, history, current-run pointer, timer, attribute index rows — in big transactions).
// The file is cached under the OS temp dir, keyed by schema and data version.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEvent, WorkflowStatus } from '@endure/protocol';
import type { CreateWorkflow } from '@endure/storage';
import { LATEST_SCHEMA_VERSION, bulkLoadWorkflows } from '@endure/store-sqlite';
import { log, round } from './harness.js';
import { mulberry32 } from '@endure/common';

/** Bump when the generated data changes shape, so cached files are rebuilt. */
const DATA_VERSION = 1;
export const NAMESPACE = 'default';
export const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 0, 31);
export const SPAN_DAYS = 30;
export const CUSTOMERS = 10_000;
export const TAGS = ['eu', 'us', 'apac', 'priority', 'b2b', 'b2c', 'retry', 'manual', 'promo', 'beta'];

/** Workflow types with a skewed mix: the first is ~30% of runs, the last well under 1%. */
export const TYPES = Array.from({ length: 20 }, (_, i) => ['order', 'payment', 'shipment', 'refund', 'invoice', 'signup', 'email', 'report'][i % 8] + (i < 8 ? '' : `-v${Math.floor(i / 8) + 1}`));
const TYPE_WEIGHTS = TYPES.map((_, i) => 1 / (i + 1) ** 1.2);
const STATUS_MIX: [WorkflowStatus, number][] = [
  ['RUNNING', 0.1],
  ['COMPLETED', 0.75],
  ['FAILED', 0.08],
  ['CANCELED', 0.02],
  ['TERMINATED', 0.02],
  ['TIMED_OUT', 0.02],
  ['CONTINUED_AS_NEW', 0.01],
];

/** A deterministic generator, so every machine builds the same data. */
export const rng = mulberry32;

function weighted<T>(r: number, items: readonly T[], weights: readonly number[]): T {
  let x = r * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((x -= weights[i]!) < 0) return items[i]!;
  return items[items.length - 1]!;
}

const CLOSE_EVENT: Record<WorkflowStatus, HistoryEvent['type'] | undefined> = {
  RUNNING: undefined,
  COMPLETED: 'WorkflowExecutionCompleted',
  FAILED: 'WorkflowExecutionFailed',
  CANCELED: 'WorkflowExecutionCanceled',
  TERMINATED: 'WorkflowExecutionTerminated',
  TIMED_OUT: 'WorkflowExecutionTimedOut',
  CONTINUED_AS_NEW: 'WorkflowExecutionContinuedAsNew',
};

/** Run number i of n: arrival order is start order, with jitter. */
export function generateRun(i: number, n: number, r: () => number): CreateWorkflow {
  const workflowType = weighted(r(), TYPES, TYPE_WEIGHTS);
  const startTime = Math.floor(NOW - SPAN_DAYS * DAY + (i / n) * SPAN_DAYS * DAY + r() * 60_000);
  // Runs started in the last hour are much more likely to still be running.
  const recent = startTime > NOW - 3_600_000;
  const status = recent && r() < 0.7 ? 'RUNNING' : weighted(r(), STATUS_MIX.map((s) => s[0]), STATUS_MIX.map((s) => s[1]));
  const closeTime = status === 'RUNNING' ? null : Math.min(NOW, startTime + Math.floor(r() * r() * 3_600_000));
  const workflowId = `${workflowType}-${(i * 2_654_435_761) % 4_294_967_296}`;
  const runId = `${i.toString(16).padStart(8, '0')}-7c1e-4a9b-8f00-${Math.floor(r() * 2 ** 48).toString(16).padStart(12, '0')}`;
  const taskQueue = `${workflowType.split('-')[0]}-queue`;
  const attrs: Record<string, string | number | string[]> = {};
  if (r() < 0.6) attrs['CustomKeywordField'] = `cust-${Math.floor(r() * CUSTOMERS)}`;
  if (r() < 0.3) attrs['CustomIntField'] = Math.floor(r() * 1000);
  if (r() < 0.2) attrs['Tags'] = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => TAGS[Math.floor(r() * TAGS.length)]!))];
  const started: HistoryEvent = {
    eventId: 1,
    eventTime: startTime,
    type: 'WorkflowExecutionStarted',
    attributes: {
      workflowType,
      taskQueue,
      input: [{ metadata: { encoding: 'json/plain' }, data: JSON.stringify({ orderId: i, amount: Math.floor(r() * 10_000) / 100 }) }],
      firstRunId: runId,
      attempt: 1,
      randomnessSeed: Math.floor(r() * 2 ** 32).toString(36),
      workflowTaskTimeoutMs: 10_000,
    },
  };
  const events: HistoryEvent[] = [started];
  const closeEvent = CLOSE_EVENT[status];
  if (closeTime !== null && closeEvent) {
    events.push({ eventId: 2, eventTime: closeTime, type: 'WorkflowTaskCompleted', attributes: { sawUpTo: 1, time: closeTime } });
    // Representative sizes; the listing benchmark never reads history back.
    events.push({ eventId: 3, eventTime: closeTime, type: closeEvent, attributes: { result: { metadata: { encoding: 'json/plain' }, data: '{"ok":true}' } } } as HistoryEvent);
  }
  const state = JSON.stringify({ workflowTaskTimeoutMs: 10_000, lastSawUpTo: events.length, wft: { status: closeTime === null ? 'scheduled' : 'none', attempt: 1 }, activities: {}, timers: {}, cancelRequested: false });
  const k = { namespace: NAMESPACE, workflowId, runId };
  return {
    record: { ...k, workflowType, taskQueue, status, startTime, closeTime, nextEventId: events.length + 1, state, ...(Object.keys(attrs).length ? { searchAttributes: attrs } : {}) },
    events,
    timers: closeTime === null ? [{ ...k, timerId: 'run-timeout', fireAt: startTime + 7 * DAY }] : undefined,
    expectedCurrentRunId: null,
  };
}

export function cachedDbPath(runs: number): string {
  return join(tmpdir(), `endure-bench-listing-s${LATEST_SCHEMA_VERSION}-d${DATA_VERSION}-${runs}.db`);
}

/** The path of a complete database of `runs` runs: reused if a previous load finished, else built. */
export async function ensureLoaded(runs: number): Promise<{ file: string; loadedNow: boolean; loadSeconds?: number }> {
  const file = cachedDbPath(runs);
  const marker = `${file}.complete`;
  if (existsSync(marker) && existsSync(file) && Number(readFileSync(marker, 'utf8')) === runs) return { file, loadedNow: false };
  for (const f of [file, `${file}-wal`, `${file}-shm`, marker, `${file}.owner`]) rmSync(f, { force: true });
  log(`listing: loading ${runs} runs into ${file} (cached for later runs)`);
  const t0 = performance.now();
  const r = rng(42);
  function* all(): Generator<CreateWorkflow> {
    for (let i = 0; i < runs; i++) yield generateRun(i, runs, r);
  }
  bulkLoadWorkflows(file, all(), {
    batch: 20_000,
    onProgress: (n) => {
      if (n % 100_000 === 0) log(`listing: ${n} runs, ${round((performance.now() - t0) / 1000, 1)} s`);
    },
  });
  const loadSeconds = round((performance.now() - t0) / 1000, 1);
  writeFileSync(marker, String(runs));
  log(`listing: loaded in ${loadSeconds} s`);
  return { file, loadedNow: true, loadSeconds };
}
