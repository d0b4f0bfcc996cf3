// Sticky routing: a run's next workflow task goes to the worker that has it cached (no replay),
// and to any worker within a short timeout once that worker is gone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeActivities } from '../src/activities.js';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { addItem, checkout, getItems } from '../src/workflows/messages.js';

const completedBy = (events: { type: string; attributes: unknown }[]) =>
  events.filter((e) => e.type === 'WorkflowTaskCompleted').map((e) => (e.attributes as { identity?: string }).identity);

describe('sticky routing', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it("sends every workflow task of a run to the worker that has it cached", async () => {
    const taskQueue = 'sticky-many';
    for (const identity of ['sticky-A', 'sticky-B']) {
      await env.startWorker({ taskQueue, identity, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities });
    }
    const handles = await Promise.all(Array.from({ length: 6 }, () => env.client.workflow.start('sequence', { taskQueue, workflowId: uid('sticky'), args: [6] })));
    await Promise.all(handles.map((h) => h.result()));
    const owners = new Set<string | undefined>();
    for (const h of handles) {
      const ids = completedBy((await h.fetchHistory()).events);
      assert.equal(ids.length, 7, 'one workflow task per activity result, plus the first');
      assert.equal(new Set(ids).size, 1, `${h.workflowId}: workflow tasks completed by ${ids.join(', ')}`);
      owners.add(ids[0]);
    }
    assert.ok(owners.size >= 1);
  });

  it('falls back to another worker within seconds when the sticky one has gone', async () => {
    const taskQueue = 'sticky-fallback';
    const a = await env.startWorker({ taskQueue, identity: 'first', workflowsPath: workflowsPath('messages'), activities: makeActivities().activities });
    const handle = await env.client.workflow.start('cart', { taskQueue, workflowId: uid('cart') });
    await handle.signal(addItem, 'apple');
    assert.deepEqual(await handle.query(getItems), ['apple']);
    await a.stop(); // it had the run cached: the run is sticky to a worker that no longer polls
    await env.startWorker({ taskQueue, identity: 'second', workflowsPath: workflowsPath('messages'), activities: makeActivities().activities });
    const t0 = Date.now();
    await handle.signal(checkout);
    assert.deepEqual(await handle.result(), ['apple']);
    const took = Date.now() - t0;
    assert.ok(took < 8_000, `the second worker finished the run ${took} ms after the signal`);
    const ids = completedBy((await handle.fetchHistory()).events);
    assert.equal(ids[0], 'first');
    assert.equal(ids.at(-1), 'second');
  });
});
