// copyStore with this store as the source (into the reference store) and as the target (from
// it): everything arrives, each workflow id's current run stays current, and a target that holds
// anything is refused, naming what it holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyStore, TargetNotEmptyError, type CopyProgress } from '../copy-store.js';
import { MemoryStore, emptyData } from '../memory-store.js';
import type { Store } from '../port.js';
import type { WithStore } from './harness.js';
import { createOf, key } from './fixtures.js';
import { dump, populate } from './copy-fixtures.js';

const memory = (): Store => new MemoryStore(emptyData());

export function copyStoreSuite(withStore: WithStore, durable: boolean): void {
  void describe('copyStore', () => {
    void it('copies everything out of this store', () =>
      withStore(async ({ store }) => {
        await populate(store);
        const target = memory();
        const progress: CopyProgress[] = [];
        const summary = await copyStore(store, target, (p) => progress.push(p));
        assert.deepEqual(await dump(target), await dump(store));
        assert.deepEqual(
          summary.namespaces.map((n) => [n.name, n.runs, n.open, n.closed, n.tasks, n.timers]),
          [['billing', 1, 1, 0, 1, 0], ['default', 6, 3, 3, 1, 4]],
        );
        assert.deepEqual([summary.runs, summary.tokenKeys, summary.apiKeys], [7, 2, 1]);
        assert.ok(progress.some((p) => p.phase === 'copy') && progress.some((p) => p.phase === 'verify'), 'progress reported for both phases');
      }));

    void it('copies everything into this store, durably', () =>
      withStore(async (ctx) => {
        const source = memory();
        await populate(source);
        await copyStore(source, ctx.store);
        const expected = await dump(source);
        assert.deepEqual(await dump(ctx.store), expected);
        assert.equal((await ctx.store.getCurrentRun('default', 'chain'))?.runId, 'c2');
        assert.equal((await ctx.store.getCurrentRun('default', 'again'))?.runId, 'a2');
        if (durable) assert.deepEqual(await dump(await ctx.reopen()), expected);
      }));

    void it('refuses a target that is not empty, naming what it holds, and writes nothing', () =>
      withStore(async ({ store }) => {
        const source = memory();
        await populate(source);
        await store.createWorkflow(createOf(key('there-before')));
        await store.putApiKey({ keyId: 'mine', secretHash: 'h', role: 'reader', namespaces: ['default'], description: '', createdTime: 1 });
        await assert.rejects(copyStore(source, store), (e: unknown) => {
          assert.ok(e instanceof TargetNotEmptyError, String(e));
          assert.match(e.message, /^the target is not empty: it holds 1 run\(s\); 1 API key\(s\)\. Copy into a new, empty database/);
          return true;
        });
        assert.deepEqual(await store.listNamespaces(), []);
        assert.deepEqual(await store.getTokenKeys(), []);
      }));
  });
}
