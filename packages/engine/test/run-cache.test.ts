// The engine's bounded run cache (run-cache.ts): one load per run however many ask at once, idle
// runs dropped past the bound but busy ones kept, and a dropped run someone still holds handed
// back as the same object rather than loaded a second time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RunCache } from '../src/run-cache.js';
import { Run } from '../src/run.js';
import { newRunState } from '../src/run-state.js';

const key = (workflowId: string) => ({ namespace: 'default', workflowId, runId: 'r' });
const runOf = (workflowId: string) =>
  new Run({ ...key(workflowId), workflowType: 'w', taskQueue: 'q', status: 'RUNNING', startTime: 0, closeTime: null, nextEventId: 2, state: '' }, newRunState(10_000), {});

describe('run cache', () => {
  it('concurrent loads of one run read it once and get the same object', async () => {
    const cache = new RunCache(10, () => false);
    let reads = 0;
    const read = async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return runOf('a');
    };
    const [x, y] = await Promise.all([cache.load(key('a'), read), cache.load(key('a'), read)]);
    assert.equal(reads, 1);
    assert.equal(x, y);
    assert.equal(await cache.load(key('a'), read), x, 'cached now');
    assert.equal(reads, 1);
    assert.equal(await cache.load(key('none'), () => Promise.resolve(undefined)), undefined);
  });

  it('past its bound it drops idle runs, least recently used first, and keeps busy ones', async () => {
    const busy = new Set<string>(['w0']);
    const cache = new RunCache(10, (run) => busy.has(run.record.workflowId));
    for (let i = 0; i < 10; i++) cache.add(runOf(`w${i}`));
    await cache.load(key('w1'), () => Promise.reject(new Error('cached: not read'))); // w1 used last
    cache.add(runOf('w10')); // over the bound: trims to 90%
    const kept = [...cache.values()].map((r) => r.record.workflowId);
    assert.ok(kept.includes('w0'), 'busy run kept');
    assert.ok(kept.includes('w1'), 'recently used run kept');
    assert.ok(!kept.includes('w2'), 'least recently used idle run dropped');
    assert.equal(cache.peek(key('w2')), undefined);
  });

  it('a dropped run still held elsewhere comes back as the same object, without a read', async () => {
    const cache = new RunCache(2, () => false);
    const held = runOf('held');
    cache.add(held);
    cache.add(runOf('b'));
    cache.add(runOf('c')); // drops `held` (least recently used), which this test still references
    assert.equal(cache.peek(key('held')), undefined);
    const again = await cache.load(key('held'), () => Promise.reject(new Error('must not read a run still in memory')));
    assert.equal(again, held);
  });

  it('dropWhere forgets matching runs, also those held only by weak reference', async () => {
    const cache = new RunCache(2, () => false);
    const a = runOf('a');
    cache.add(a);
    cache.add(runOf('b'));
    cache.add(runOf('c')); // `a` now held weakly
    cache.dropWhere((r) => r.record.workflowId === 'a' || r.record.workflowId === 'c');
    let reads = 0;
    const fresh = await cache.load(key('a'), () => {
      reads++;
      return Promise.resolve(runOf('a'));
    });
    assert.equal(reads, 1, 'read again: it was forgotten');
    assert.notEqual(fresh, a);
    assert.equal(cache.peek(key('c')), undefined);
  });
});
