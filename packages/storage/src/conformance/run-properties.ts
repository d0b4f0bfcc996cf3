// A run's properties (memo and search-attribute payloads): stored apart from the state, kept by
// updates that leave them out, replaced by updates that carry them, and read back by every read
// of a record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Payload } from '@endure/protocol';
import type { RunKey, RunProperties, Store, WorkflowRecord } from '../port.js';
import type { WithStore } from './harness.js';
import { listAll, runOf } from './list-fixtures.js';

const T = 1_700_000_000_000;
const json = (v: unknown): Payload => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });

/** Properties with text that stresses the encoding, and a memo big enough to spill out of a page. */
const FIRST: RunProperties = {
  memo: { owner: json('ops – 日本語 – 🚀 – "q" \\ \n'), blob: { metadata: { encoding: 'binary/plain', 'ключ': 'v' }, data: 'x'.repeat(64 * 1024) } },
  searchAttributes: { CustomKeywordField: json('first') },
};
const SECOND: RunProperties = { memo: { owner: json('dev') } };

/** Every read that returns the run's record: by key, as the current run, and listed. */
async function reads(store: Store, k: RunKey): Promise<(WorkflowRecord | undefined)[]> {
  const listed = (await listAll(store, k.namespace)).find((r) => r.workflowId === k.workflowId && r.runId === k.runId);
  return [await store.getWorkflow(k), await store.getCurrentRun(k.namespace, k.workflowId), listed];
}

async function assertProperties(store: Store, k: RunKey, expected: RunProperties | undefined, why: string): Promise<void> {
  for (const r of await reads(store, k)) {
    assert.ok(r, `${why}: the run is readable`);
    if (expected === undefined) assert.ok(!('properties' in r), `${why}: no properties key`);
    else assert.deepEqual(r.properties, expected, why);
  }
}

export function runPropertiesSuite(withStore: WithStore, durable: boolean): void {
  void describe('run properties (memo and search-attribute payloads)', () => {
    const k = { namespace: 'default', workflowId: 'props', runId: 'r-props' };
    const created = runOf('props', { startTime: T, properties: FIRST });

    void it('a created run reads back its properties from every read; a run created without them has none', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        await assertProperties(store, k, FIRST, 'created with properties');
        await store.createWorkflow(runOf('plain', { startTime: T }));
        await assertProperties(store, { namespace: 'default', workflowId: 'plain', runId: 'r-plain' }, undefined, 'created without');
      }));

    void it('an update without properties keeps them (running and closing); one with them replaces them', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        const { properties: _, ...lean } = created.record;
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...lean, state: 's2' }, events: [] });
        await assertProperties(store, k, FIRST, 'after a running update without them');
        assert.equal((await store.getWorkflow(k))?.state, 's2', 'the state did change');
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...lean, state: 's3', properties: SECOND }, events: [] });
        await assertProperties(store, k, SECOND, 'after an update with them');
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...lean, status: 'COMPLETED', closeTime: T + 1, state: 's4' }, events: [] });
        await assertProperties(store, k, SECOND, 'after a closing update without them');
        // A key holding undefined is left out, as JSON would leave it.
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...lean, status: 'COMPLETED', closeTime: T + 1, properties: { memo: undefined, searchAttributes: {} } }, events: [] });
        await assertProperties(store, k, { searchAttributes: {} }, 'after an update with an emptied memo');
      }));

    void it('a rejected update leaves the properties as they were', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        await assert.rejects(store.updateWorkflow({ key: k, expectedNextEventId: 9, record: { ...created.record, properties: SECOND }, events: [] }));
        await assertProperties(store, k, FIRST, 'after a version conflict');
      }));

    void it('a continue-as-new successor gets its own properties; the closed run keeps its', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(created);
        const next = runOf('props', { runId: 'r-next', startTime: T + 1, properties: SECOND }, 'r-props');
        const { properties: _, ...closing } = { ...created.record, status: 'CONTINUED_AS_NEW' as const, closeTime: T + 1 };
        await store.updateWorkflow({ key: k, expectedNextEventId: 2, record: closing, events: [], continueAsNew: next });
        assert.deepEqual((await store.getWorkflow(k))?.properties, FIRST);
        await assertProperties(store, { ...k, runId: 'r-next' }, SECOND, 'the successor');
      }));

    void it('retention deletes them with the run: a run created again under its key has none', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(runOf('props', { startTime: T, status: 'COMPLETED', closeTime: T + 1, properties: FIRST }));
        assert.equal(await store.deleteClosedRuns('default', T + 2, 10), 1);
        await store.createWorkflow(runOf('props', { startTime: T + 3 }));
        await assertProperties(store, k, undefined, 'the run created again');
      }));

    void it('properties survive close and reopen', { skip: !durable && 'in-memory store' }, () =>
      withStore(async (ctx) => {
        await ctx.store.createWorkflow(created);
        const { properties: _, ...lean } = created.record;
        await ctx.store.updateWorkflow({ key: k, expectedNextEventId: 2, record: { ...lean, state: 's2' }, events: [] });
        await ctx.reopen();
        await assertProperties(ctx.store, k, FIRST, 'after reopening');
      }));
  });
}
