// Namespace records (round-trip, replace, list) and retention (deleteClosedRuns).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceRecord, RunKey, Store } from '../port.js';
import type { WithStore } from './harness.js';
import { allTasks, allTimers, task, timer } from './fixtures.js';
import { eq, idsOf, listAll, runOf, custom } from './list-fixtures.js';

const T = 1_700_000_000_000;

function ns(name: string, patch: Partial<NamespaceRecord> = {}): NamespaceRecord {
  return { name, description: `the ${name} namespace`, retentionMs: 3 * 86_400_000, createdTime: T, searchAttributes: { CustomKeywordField: 'Keyword', Tags: 'KeywordList' }, ...patch };
}

/**
 * A run closed at `closeTime` (or open when null) with 3 events and a task; open runs and runs
 * that still owe an effect to another run (`owesEffect`) also own a timer row.
 */
async function runWithRows(store: Store, workflowId: string, closeTime: number | null, opts: { namespace?: string; runId?: string; expected?: string | null; owesEffect?: boolean } = {}): Promise<RunKey> {
  const c = runOf(workflowId, {
    namespace: opts.namespace ?? 'default',
    runId: opts.runId,
    history: 3,
    status: closeTime === null ? 'RUNNING' : 'COMPLETED',
    closeTime,
    startTime: T,
    searchAttributes: { CustomKeywordField: 'kept' },
  }, opts.expected ?? null);
  const k = { namespace: c.record.namespace, workflowId, runId: c.record.runId };
  const timers = closeTime === null ? [timer(k, 'run-timeout', 5)] : opts.owesEffect ? [timer(k, 'fx:notify-parent', 5)] : [];
  await store.createWorkflow({ ...c, tasks: [task(k, 'wft', 1)], timers });
  return k;
}

export function namespacesRetentionSuite(withStore: WithStore, durable: boolean): void {
  void describe('namespaces', () => {
    void it('putNamespace round-trips, replaces, and lists by name', () =>
      withStore(async (ctx) => {
        assert.equal(await ctx.store.getNamespace('default'), undefined);
        assert.deepEqual(await ctx.store.listNamespaces(), []);
        await ctx.store.putNamespace(ns('zeta'));
        await ctx.store.putNamespace(ns('alpha', { searchAttributes: {} }));
        const updated = ns('zeta', { description: 'changed', retentionMs: 60_000, searchAttributes: { CustomKeywordField: 'Keyword', Amount: 'Double', When: 'Datetime' } });
        await ctx.store.putNamespace(updated);
        const check = async (store: Store) => {
          assert.deepEqual(await store.getNamespace('zeta'), updated);
          assert.deepEqual(await store.getNamespace('alpha'), ns('alpha', { searchAttributes: {} }));
          assert.deepEqual((await store.listNamespaces()).map((n) => n.name), ['alpha', 'zeta']);
          assert.equal(await store.getNamespace('ZETA'), undefined, 'names are case-sensitive');
        };
        await check(ctx.store);
        if (durable) await check(await ctx.reopen());
      }));
  });

  void describe('deleteClosedRuns (retention)', () => {
    void it('deletes only closed runs closed before the cutoff, oldest first, at most limit, with their rows', () =>
      withStore(async ({ store }) => {
        const c1 = await runWithRows(store, 'c1', T + 10);
        const c2 = await runWithRows(store, 'c2', T + 20);
        const c3 = await runWithRows(store, 'c3', T + 30);
        const recent = await runWithRows(store, 'recent', T + 500);
        const open = await runWithRows(store, 'open', null);
        const elsewhere = await runWithRows(store, 'c0', T + 5, { namespace: 'other' });
        assert.equal(await store.deleteClosedRuns('default', T + 100, 0), 0);
        assert.equal(await store.deleteClosedRuns('default', T + 100, 2), 2);
        for (const gone of [c1, c2]) {
          assert.equal(await store.getWorkflow(gone), undefined);
          assert.deepEqual(await store.readHistory(gone), []);
          assert.equal(await store.getCurrentRun('default', gone.workflowId), undefined);
        }
        const left = (rows: { workflowId: string }[]) => [...new Set(rows.map((r) => r.workflowId))].sort();
        assert.deepEqual(left(await allTasks(store)), ['c0', 'c3', 'open', 'recent']);
        assert.deepEqual(left(await allTimers(store)), ['open']);
        assert.deepEqual(idsOf(await listAll(store, 'default', eq(custom('CustomKeywordField', 'Keyword'), 'kept'))).sort(), ['c3', 'open', 'recent']);
        assert.equal(await store.countWorkflows('default'), 3);
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 1, 'only c3 was left to delete');
        assert.equal(await store.getWorkflow(c3), undefined);
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 0);
        assert.equal(await store.deleteClosedRuns('default', T + 500, 10), 0, 'the cutoff is exclusive');
        for (const kept of [recent, open, elsewhere]) assert.equal((await store.getWorkflow(kept))?.workflowId, kept.workflowId);
        assert.equal((await store.readHistory(open)).length, 3);
        assert.equal(await store.deleteClosedRuns('default', Number.MAX_SAFE_INTEGER, 10), 1, 'the open run is never deleted');
        assert.deepEqual(idsOf(await listAll(store, 'default')), ['open']);
        assert.equal(await store.countWorkflows('other'), 1);
      }));

    void it('an old closed run of a chain goes; the open current run and its pointer stay', () =>
      withStore(async ({ store }) => {
        const first = await runWithRows(store, 'chain', T + 10, { runId: 'r1' });
        const second = await runWithRows(store, 'chain', null, { runId: 'r2', expected: 'r1' });
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 1);
        assert.equal(await store.getWorkflow(first), undefined);
        assert.equal((await store.getCurrentRun('default', 'chain'))?.runId, 'r2');
        assert.equal((await store.readHistory(second)).length, 3);
      }));

    void it('a closed run that still owns a timer row (an effect owed to another run) waits until the row is gone', () =>
      withStore(async ({ store }) => {
        const owing = await runWithRows(store, 'owing', T + 10, { owesEffect: true });
        await runWithRows(store, 'done', T + 20);
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 1, 'only the run that owes nothing goes');
        const rec = await store.getWorkflow(owing);
        assert.ok(rec, 'the run that owes an effect is kept');
        await store.updateWorkflow({ key: owing, expectedNextEventId: rec.nextEventId, record: rec, events: [], deleteTimers: ['fx:notify-parent'] });
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 1, 'once its effect is done it goes too');
        assert.equal(await store.getWorkflow(owing), undefined);
      }));

    void it('a deleted current run frees its workflow id for a new start', () =>
      withStore(async ({ store }) => {
        await runWithRows(store, 'solo', T + 10);
        assert.equal(await store.deleteClosedRuns('default', T + 100, 10), 1);
        assert.equal(await store.getCurrentRun('default', 'solo'), undefined);
        await store.createWorkflow(runOf('solo', { runId: 'again' }));
        assert.equal((await store.getCurrentRun('default', 'solo'))?.runId, 'again');
      }));
  });
}
