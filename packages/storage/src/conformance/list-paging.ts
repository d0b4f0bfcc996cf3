// listWorkflows paging (keyset: no overlap, no skip, stable while runs are created), counting,
// namespace isolation, and search attributes kept or replaced by updates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterField } from '@endure/protocol';
import { ListQueryError, type CreateWorkflow, type Store, type WorkflowRecord } from '../port.js';
import type { WithStore } from './harness.js';
import { rejectsWith } from './fixtures.js';
import { eq, idsOf, isNull, listAll, runOf, sys, custom } from './list-fixtures.js';

const T = 1_700_000_000_000;
const KW = custom('CustomKeywordField', 'Keyword');
const TAGS = custom('Tags', 'KeywordList');

/** `n` runs; start times repeat every 4 runs so ties are broken by workflow id. */
function manyRuns(n: number, patch: (i: number) => Partial<WorkflowRecord> = () => ({})): CreateWorkflow[] {
  return Array.from({ length: n }, (_, i) => runOf(`wf-${String(i).padStart(3, '0')}`, { startTime: T + Math.floor(i / 4), ...patch(i) }));
}

/** The expected listing order of `runs`: (startTime, workflowId, runId) descending. */
function newestFirst(runs: CreateWorkflow[]): string[] {
  return runs
    .map((c) => c.record)
    .sort((a, b) => b.startTime - a.startTime || (a.workflowId < b.workflowId ? 1 : -1))
    .map((r) => r.workflowId);
}

export function listPagingSuite(withStore: WithStore): void {
  void describe('listWorkflows paging and counting', () => {
    void it('pages neither overlap nor skip, in (startTime, workflowId, runId) descending order', () =>
      withStore(async ({ store }) => {
        const runs = manyRuns(25);
        for (const c of runs) await store.createWorkflow(c);
        for (const size of [1, 7, 24, 25, 26, 1000]) {
          assert.deepEqual(idsOf(await listAll(store, 'default', undefined, size)), newestFirst(runs), `page size ${size}`);
        }
        const exact = await store.listWorkflows({ namespace: 'default', pageSize: 25 });
        assert.equal(exact.records.length, 25);
        assert.equal(exact.nextPageToken, undefined, 'no token when nothing more matches');
        const empty = await store.listWorkflows({ namespace: 'nobody-here', pageSize: 10 });
        assert.deepEqual(empty, { records: [] });
      }));

    void it('ties on start time and workflow id are broken by run id', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(runOf('same', { runId: 'r1', startTime: T, status: 'CONTINUED_AS_NEW', closeTime: T }));
        await store.createWorkflow(runOf('same', { runId: 'r2', startTime: T }, 'r1'));
        await store.createWorkflow(runOf('same', { runId: 'r0', startTime: T }, 'r2'));
        const paged = await listAll(store, 'default', undefined, 1);
        assert.deepEqual(paged.map((r) => r.runId), ['r2', 'r1', 'r0']);
      }));

    void it('later pages are unchanged by runs created between page reads (keyset, not offset)', () =>
      withStore(async ({ store }) => {
        const runs = manyRuns(20, (i) => ({ workflowType: i % 2 ? 'odd' : 'even' }));
        for (const c of runs) await store.createWorkflow(c);
        const expected = newestFirst(runs);
        const first = await store.listWorkflows({ namespace: 'default', pageSize: 6 });
        assert.deepEqual(idsOf(first.records), expected.slice(0, 6));
        // New runs start later than every listed one, as new runs do.
        for (let i = 0; i < 10; i++) await store.createWorkflow(runOf(`new-${i}`, { startTime: T + 100 + i }));
        const rest = [];
        for (let token = first.nextPageToken; token !== undefined; ) {
          const page = await store.listWorkflows({ namespace: 'default', pageSize: 6, pageToken: token });
          rest.push(...idsOf(page.records));
          token = page.nextPageToken;
        }
        assert.deepEqual(rest, expected.slice(6));
        // The same holds with a filter.
        const odd = newestFirst(runs.filter((c) => c.record.workflowType === 'odd'));
        assert.deepEqual(idsOf(await listAll(store, 'default', eq(sys('WorkflowType'), 'odd'), 3)), odd);
      }));

    void it('a page token that the store did not issue, or a bad page size, is a ListQueryError', () =>
      withStore(async ({ store }) => {
        for (const c of manyRuns(3)) await store.createWorkflow(c);
        const forged = ['not a token!', 'e30', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('["x","a","b"]').toString('base64url'), 'A'.repeat(5000)];
        for (const pageToken of forged) {
          await rejectsWith(store.listWorkflows({ namespace: 'default', pageSize: 2, pageToken }), ListQueryError, (e) => assert.match(e.message, /pageToken/));
        }
        for (const pageSize of [0, -1, 1.5, Number.NaN, 1e9]) {
          await rejectsWith(store.listWorkflows({ namespace: 'default', pageSize }), ListQueryError, (e) => assert.match(e.message, /pageSize/));
        }
        const first = await store.listWorkflows({ namespace: 'default', pageSize: 2, pageToken: '' });
        assert.equal(first.records.length, 2, 'an empty token means the first page');
      }));

    void it('countWorkflows counts matches in one namespace', () =>
      withStore(async ({ store }) => {
        for (const c of manyRuns(30, (i) => ({ status: i % 3 ? 'RUNNING' : 'COMPLETED', closeTime: i % 3 ? null : T + i }))) await store.createWorkflow(c);
        assert.equal(await store.countWorkflows('default'), 30);
        assert.equal(await store.countWorkflows('default', eq(sys('ExecutionStatus'), 'COMPLETED')), 10);
        assert.equal(await store.countWorkflows('default', isNull(sys('CloseTime'))), 20);
        assert.equal(await store.countWorkflows('other'), 0);
      }));

    void it('namespaces are isolated: same ids, different data, never mixed', () =>
      withStore(async ({ store }) => {
        const inNs = (ns: string, kw: string, type: string) =>
          runOf('shared-id', { namespace: ns, workflowType: type, searchAttributes: { CustomKeywordField: kw } });
        await store.createWorkflow(inNs('ns1', 'one', 't1'));
        await store.createWorkflow(inNs('ns2', 'two', 't2'));
        await store.createWorkflow(runOf('only-2', { namespace: 'ns2', workflowType: 't1', searchAttributes: { CustomKeywordField: 'one' } }));
        assert.deepEqual((await listAll(store, 'ns1')).map((r) => [r.namespace, r.workflowId, r.workflowType]), [['ns1', 'shared-id', 't1']]);
        assert.deepEqual(await listAll(store, 'ns1', eq(KW, 'two')), []);
        assert.deepEqual(idsOf(await listAll(store, 'ns2', eq(KW, 'one'))), ['only-2']);
        assert.deepEqual(idsOf(await listAll(store, 'ns1', eq(sys('WorkflowType'), 't1'))), ['shared-id']);
        assert.equal(await store.countWorkflows('ns2'), 2);
        assert.equal(await store.countWorkflows('ns1', eq(KW, 'one')), 1);
        assert.deepEqual(await listAll(store, 'default'), []);
      }));
  });

  void describe('search attributes on update', () => {
    const k = { namespace: 'default', workflowId: 'sa', runId: 'r-sa' };
    const created = runOf('sa', { searchAttributes: { CustomKeywordField: 'first', Tags: ['x', 'y'] } });
    const find = async (store: Store, f: FilterField, v: string) =>
      idsOf(await listAll(store, 'default', eq(f, v)));

    void it('an update without searchAttributes keeps the stored set; one with them replaces it', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        // Keep: a running update and a closing one, both without the key.
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...created.record, state: 's2' }, events: [] });
        assert.deepEqual((await store.getWorkflow(k))?.searchAttributes, created.record.searchAttributes);
        assert.deepEqual(await find(store, TAGS, 'x'), ['sa']);
        // Replace: Tags disappears, the keyword changes, a new attribute appears.
        const replaced = { CustomKeywordField: 'second', CustomIntField: 7 };
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...created.record, state: 's3', searchAttributes: replaced }, events: [] });
        assert.deepEqual((await store.getWorkflow(k))?.searchAttributes, replaced);
        assert.deepEqual(await find(store, TAGS, 'x'), []);
        assert.deepEqual(await find(store, KW, 'first'), []);
        assert.deepEqual(await find(store, KW, 'second'), ['sa']);
        assert.deepEqual(idsOf(await listAll(store, 'default', eq(custom('CustomIntField', 'Int'), 7))), ['sa']);
        // Close without the key: still kept.
        const closed = { ...created.record, status: 'COMPLETED' as const, closeTime: T + 9, state: 's4' };
        delete closed.searchAttributes;
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: closed, events: [] });
        assert.deepEqual((await store.getWorkflow(k))?.searchAttributes, replaced);
        assert.deepEqual(await find(store, KW, 'second'), ['sa']);
        // An empty set clears them: the record reads back without the key.
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...closed, searchAttributes: {} }, events: [] });
        const cleared = await store.getWorkflow(k);
        assert.ok(cleared && !('searchAttributes' in cleared), 'no searchAttributes key once cleared');
        assert.deepEqual(idsOf(await listAll(store, 'default', isNull(KW))), ['sa']);
        assert.deepEqual(await find(store, KW, 'second'), []);
      }));

    void it('a rejected update leaves the search attributes as they were', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        await assert.rejects(store.updateWorkflow({ key: k, expectedNextEventId: 5, record: { ...created.record, searchAttributes: { CustomKeywordField: 'nope' } }, events: [] }));
        assert.deepEqual(await find(store, KW, 'nope'), []);
        assert.deepEqual(await find(store, KW, 'first'), ['sa']);
      }));

    void it('a continue-as-new successor is indexed with its own attributes', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        const next = runOf('sa', { runId: 'r-next', startTime: T + 1, searchAttributes: { CustomKeywordField: 'next' } }, 'r-sa');
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...created.record, status: 'CONTINUED_AS_NEW', closeTime: T + 1 }, events: [], continueAsNew: next });
        assert.deepEqual((await listAll(store, 'default', eq(KW, 'next'))).map((r) => r.runId), ['r-next']);
        assert.deepEqual((await listAll(store, 'default', eq(KW, 'first'))).map((r) => r.runId), ['r-sa']);
        assert.deepEqual((await store.getCurrentRun('default', 'sa'))?.searchAttributes, { CustomKeywordField: 'next' });
      }));
  });
}
