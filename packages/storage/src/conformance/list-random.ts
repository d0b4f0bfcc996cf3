// A seeded random comparison: a few hundred runs (some updated after creation), a few hundred
// random filters, each listed in pages and counted, against matchesFilter over the records the
// test itself expects the store to hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterExpr, FilterField, FilterValue, SearchAttributeValue, WorkflowStatus } from '@endure/protocol';
import { matchesFilter } from '../filter-eval.js';
import { compareListOrder } from '../list-order.js';
import type { CreateWorkflow, WorkflowRecord } from '../port.js';
import type { WithStore } from './harness.js';
import { custom, idsOf, listAll, runOf, sys } from './list-fixtures.js';
import { mulberry32 } from '@endure/common';

const T = 1_700_000_000_000;
const RUNS = 300;
const FILTERS = 300;
const SEED = 20_240_501;

const rng = mulberry32;

const STATUSES: WorkflowStatus[] = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT', 'CONTINUED_AS_NEW'];
const WORDS = ['a', 'ab', 'abc', 'b', 'ba', 'c'];
const TYPES = ['order', 'refund', 'ship', 'order-v2'];

interface Domain {
  field: FilterField;
  sample(r: () => number): FilterValue;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const DOMAINS: Domain[] = [
  { field: sys('WorkflowId'), sample: (r) => `wf-${String(int(r, 0, RUNS - 1)).padStart(3, '0')}` },
  { field: sys('WorkflowType'), sample: (r) => pick(r, TYPES) },
  { field: sys('ExecutionStatus'), sample: (r) => pick(r, STATUSES) },
  { field: sys('TaskQueue'), sample: (r) => pick(r, ['q1', 'q2', 'q3']) },
  { field: sys('StartTime'), sample: (r) => T + int(r, 0, 60) },
  { field: sys('CloseTime'), sample: (r) => T + int(r, 0, 120) },
  { field: sys('HistoryLength'), sample: (r) => int(r, 1, 6) },
  { field: custom('Kw', 'Keyword'), sample: (r) => pick(r, WORDS) },
  { field: custom('Txt', 'Text'), sample: (r) => pick(r, WORDS) },
  { field: custom('Num', 'Int'), sample: (r) => int(r, -5, 5) },
  { field: custom('Dbl', 'Double'), sample: (r) => int(r, -20, 20) / 4 },
  { field: custom('Flag', 'Bool'), sample: (r) => r() < 0.5 },
  { field: custom('When', 'Datetime'), sample: (r) => T + int(r, 0, 10) * 1000 },
  { field: custom('Tags', 'KeywordList'), sample: (r) => pick(r, WORDS) },
];

function randomAttributes(r: () => number): Record<string, SearchAttributeValue> | undefined {
  if (r() < 0.15) return undefined;
  const out: Record<string, SearchAttributeValue> = {};
  for (const d of DOMAINS) {
    if (d.field.kind !== 'custom' || r() < 0.35) continue;
    out[d.field.name] = d.field.type === 'KeywordList' ? Array.from({ length: int(r, 0, 3) }, () => pick(r, WORDS)).filter((w, i, a) => a.indexOf(w) === i) : d.sample(r);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function randomRun(r: () => number, i: number): CreateWorkflow {
  const status = r() < 0.4 ? 'RUNNING' : pick(r, STATUSES.slice(1));
  const startTime = T + int(r, 0, 60);
  const attrs = randomAttributes(r);
  return runOf(`wf-${String(i).padStart(3, '0')}`, {
    namespace: r() < 0.9 ? 'default' : 'other',
    workflowType: pick(r, TYPES),
    taskQueue: pick(r, ['q1', 'q2', 'q3']),
    status,
    startTime,
    closeTime: status === 'RUNNING' ? null : startTime + int(r, 0, 60),
    history: int(r, 1, 6),
    ...(attrs ? { searchAttributes: attrs } : {}),
  });
}

function randomLeaf(r: () => number): FilterExpr {
  const d = pick(r, DOMAINS);
  const field = d.field;
  const v = () => d.sample(r);
  const roll = r();
  if (roll < 0.45) return { op: 'compare', field, cmp: pick(r, ['=', '!=', '<', '>', '<=', '>='] as const), value: v() };
  if (roll < 0.65) return { op: 'in', field, values: Array.from({ length: int(r, 0, 4) }, v), negated: r() < 0.4 };
  if (roll < 0.8) {
    const [low, high] = [v(), v()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { op: 'between', field, low: low!, high: high!, negated: r() < 0.4 };
  }
  const sample = v();
  if (roll < 0.9 && typeof sample === 'string') return { op: 'startsWith', field, prefix: sample.slice(0, int(r, 0, 2)) };
  return { op: 'isNull', field, negated: r() < 0.5 };
}

function randomFilter(r: () => number, depth: number): FilterExpr {
  if (depth === 0 || r() < 0.35) return randomLeaf(r);
  return { op: r() < 0.5 ? 'and' : 'or', args: Array.from({ length: int(r, 1, 3) }, () => randomFilter(r, depth - 1)) };
}

export function listRandomSuite(withStore: WithStore): void {
  void describe('listWorkflows against the reference semantics (seeded random)', () => {
    void it(`${FILTERS} random filters over ${RUNS} runs agree with matchesFilter, listed in pages and counted`, () =>
      withStore(async ({ store }) => {
        const r = rng(SEED);
        const expected: WorkflowRecord[] = [];
        for (let i = 0; i < RUNS; i++) {
          const c = randomRun(r, i);
          await store.createWorkflow(c);
          expected.push(c.record);
        }
        // A third get updated afterwards: attributes replaced or (key absent) kept.
        for (const [i, rec] of expected.entries()) {
          if (i % 3 !== 0) continue;
          const next: WorkflowRecord = { ...rec, state: 'updated' };
          const attrs = randomAttributes(r);
          if (r() < 0.5) delete next.searchAttributes;
          else if (attrs) next.searchAttributes = attrs;
          else next.searchAttributes = {};
          await store.updateWorkflow({ key: rec, expectedNextEventId: rec.nextEventId, record: next, events: [] });
          const kept = next.searchAttributes ?? rec.searchAttributes;
          expected[i] = { ...next };
          delete expected[i].searchAttributes;
          if (kept && Object.keys(kept).length > 0) expected[i].searchAttributes = kept;
        }
        const sorted = [...expected].sort(compareListOrder);
        let nonEmpty = 0;
        for (let n = 0; n < FILTERS; n++) {
          const filter = randomFilter(r, 3);
          const namespace = n % 10 === 9 ? 'other' : 'default';
          const want = sorted.filter((rec) => rec.namespace === namespace && matchesFilter(rec, filter));
          const pageSize = pick(r, [3, 7, 50, 1000]);
          const got = await listAll(store, namespace, filter, pageSize);
          const what = `filter #${n} ${JSON.stringify(filter)} (page size ${pageSize})`;
          assert.deepEqual(idsOf(got), idsOf(want), what);
          assert.deepEqual(got, want, `${what}: records`);
          assert.equal(await store.countWorkflows(namespace, filter), want.length, `${what}: count`);
          if (want.length > 0 && want.length < sorted.length / 2) nonEmpty++;
        }
        assert.ok(nonEmpty > FILTERS / 5, `the random filters should often select a proper subset (${nonEmpty} did)`);
      }));
  });
}
