// Listing at scale: 1,000,000 stored runs in a SQLite file (built once, then cached), then the
// latency of listWorkflows (pages of 100) and countWorkflows for typical filters, each parsed
// by the real filter parser and served by the real store (its store thread included).
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CUSTOM_SEARCH_ATTRIBUTES, parseListFilter } from '@endure/protocol';
import { SqliteStore } from '@endure/store-sqlite';
import { distribution, log, round, target, type Distribution, type ScenarioResult } from './harness.js';
import { CUSTOMERS, DAY, NAMESPACE, NOW, SPAN_DAYS, TAGS, TYPES, ensureLoaded, rng } from './listing-data.js';

const RUNS = Number(process.env['BENCH_LISTING_RUNS'] ?? 1_000_000);
const PAGE = 100;
const SAMPLES = 200;
const REGISTRY = { ...DEFAULT_CUSTOM_SEARCH_ATTRIBUTES, Tags: 'KeywordList' as const };

interface Query {
  name: string;
  /** A filter for sample i (varied so the cache does not see one query over and over). */
  filter(i: number, r: () => number): string;
  /** Also read the next page through its token (a keyset seek) every other sample; timed as its own call. */
  secondPage?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const QUERIES: Query[] = [
  { name: 'type and status', filter: (i) => `WorkflowType = '${TYPES[i % TYPES.length]}' AND ExecutionStatus = 'Running'`, secondPage: true },
  { name: 'type and closed status', filter: (i) => `WorkflowType = '${TYPES[i % TYPES.length]}' AND ExecutionStatus = 'Failed'`, secondPage: true },
  { name: 'custom keyword (customer id)', filter: (_, r) => `CustomKeywordField = 'cust-${Math.floor(r() * CUSTOMERS)}'` },
  { name: 'custom keyword list (tag) and type', filter: (i, r) => `Tags = '${TAGS[Math.floor(r() * TAGS.length)]}' AND WorkflowType = '${TYPES[i % 4]}'` },
  {
    name: 'start time range (one day)',
    filter: (_, r) => {
      const from = NOW - Math.floor(r() * (SPAN_DAYS - 1) + 1) * DAY;
      return `StartTime BETWEEN '${iso(from)}' AND '${iso(from + DAY)}'`;
    },
    secondPage: true,
  },
  { name: 'no filter', filter: () => '' },
];

/** Calls fn for 10 warm-up and SAMPLES measured rounds; `timed` records one store call's latency. */
async function measure(fn: (i: number, timed: <T>(call: () => Promise<T>) => Promise<T>) => Promise<void>): Promise<Distribution> {
  const ms: number[] = [];
  let recording = false;
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await call();
    if (recording) ms.push(performance.now() - t0);
    return out;
  };
  for (let i = 0; i < 10; i++) await fn(-1 - i, timed); // warm-up: statement cache, page cache
  recording = true;
  for (let i = 0; i < SAMPLES; i++) await fn(i, timed);
  return distribution(ms);
}

export async function run(): Promise<ScenarioResult> {
  const loaded = await ensureLoaded(RUNS);
  // Opening checks the structure of files up to 512 MiB (PRAGMA quick_check); this one is larger.
  const opening = performance.now();
  const store = await SqliteStore.open(loaded.file);
  const openMs = round(performance.now() - opening);
  const fileMB = round(statSync(loaded.file).size / 2 ** 20);
  log(`listing: open: ${openMs} ms for ${fileMB} MB`);
  try {
    const total = await store.countWorkflows(NAMESPACE);
    if (total !== RUNS) throw new Error(`the cached database holds ${total} runs, expected ${RUNS}; delete ${loaded.file}.complete to rebuild it`);
    const results: Record<string, unknown> = {};
    const r = rng(7);
    for (const q of QUERIES) {
      let rows = 0;
      const d = await measure(async (i, timed) => {
        const query = q.filter(Math.abs(i), r);
        const page = await timed(() => store.listWorkflows({ namespace: NAMESPACE, filter: parseListFilter(query, REGISTRY), pageSize: PAGE }));
        rows += page.records.length;
        const pageToken = page.nextPageToken;
        if (q.secondPage && i % 2 === 0 && pageToken) {
          await timed(() => store.listWorkflows({ namespace: NAMESPACE, filter: parseListFilter(query, REGISTRY), pageSize: PAGE, pageToken }));
        }
      });
      log(`listing: ${q.name}: p50 ${d.p50} ms, p99 ${d.p99} ms`);
      results[q.name] = { example: q.filter(0, rng(1)) || '(none)', latencyMs: d, meanRowsPerFirstPage: round(rows / (SAMPLES + 10), 1) };
    }
    const counts: Record<string, unknown> = {};
    for (const [name, query] of [
      ['count type and status', (i: number) => `WorkflowType = '${TYPES[i % TYPES.length]}' AND ExecutionStatus = 'Running'`],
      ['count custom keyword', () => `CustomKeywordField = 'cust-${Math.floor(r() * CUSTOMERS)}'`],
    ] as const) {
      let sum = 0;
      const d = await measure(async (i, timed) => {
        const text = query(Math.abs(i));
        sum += await timed(() => store.countWorkflows(NAMESPACE, parseListFilter(text, REGISTRY)));
      });
      log(`listing: ${name}: p50 ${d.p50} ms, p99 ${d.p99} ms`);
      counts[name] = { latencyMs: d, meanCount: round(sum / (SAMPLES + 10), 1) };
    }
    const t0 = performance.now();
    await store.countWorkflows(NAMESPACE);
    counts['count all (once)'] = { ms: round(performance.now() - t0) };
    const typeStatus = (results['type and status'] as { latencyMs: Distribution }).latencyMs;
    const rss = process.memoryUsage().rss;
    return {
      description: `listWorkflows (pages of ${PAGE}) and countWorkflows over ${RUNS} stored runs in one SQLite file; ${SAMPLES} samples per query after 10 warm-up calls, each with a freshly parsed filter`,
      settings: { runs: RUNS, pageSize: PAGE, samples: SAMPLES, dbFile: loaded.file, loadedNow: loaded.loadedNow, loadSeconds: loaded.loadSeconds },
      results: { list: results, count: counts, rssMB: round(rss / 2 ** 20), open: { ms: openMs, fileMB } },
      targets: [target('list by type and status p99', '<=', 50, typeStatus.p99, 'ms')],
      notes: [
        'The database is built once with bulkLoadWorkflows (createWorkflow\'s own plans and statements: run, history, current-run pointer, timers, search-attribute rows, in large transactions) and cached in the OS temp dir; set BENCH_LISTING_RUNS to change its size.',
        'Each latency is one store call, filter parsing included; queries marked with second pages also time a page read through its page token (a keyset seek).',
      ],
    };
  } finally {
    await store.close();
  }
}
