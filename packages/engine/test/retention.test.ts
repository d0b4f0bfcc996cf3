import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@endure/protocol';
import type { Clock, Engine } from '../src/index.js';
import { TestClock, complete, completeTask, openEngine, tempDir } from './support.js';

/**
 * A clock like the time-skipping test environment's: deadlines fire only when the test jumps
 * time, stopping at each deadline on the way and letting its work settle.
 */
class JumpClock implements Clock {
  private offset = 0;
  private entries: { at: number; fn: () => void }[] = [];
  stops = 0;
  readonly now = (): number => Date.now() + this.offset;
  readonly schedule = (ms: number, fn: () => void): (() => void) => {
    const e = { at: this.now() + ms, fn };
    this.entries.push(e);
    return () => (this.entries = this.entries.filter((x) => x !== e));
  };
  async jump(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      const next = this.entries.sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > target) break;
      this.entries.shift();
      this.offset += Math.max(0, next.at - this.now());
      this.stops++;
      next.fn();
      await new Promise((r) => setTimeout(r, 20)); // let the sweep's store calls finish
    }
    this.offset += target - this.now();
  }
}

const MINUTE = 60_000;
const dir = tempDir();

async function until(what: string, pred: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const count = async (engine: Engine, namespace: string, query = '') => (await engine.countWorkflows({ namespace, query })).count;

describe('retention', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("deletes closed runs older than their namespace's retention, on the engine's clock, and keeps open ones", async () => {
    const clock = new TestClock();
    // A short sweep interval and small batches, so several sweeps are needed and come soon.
    const h = await openEngine(join(dir, 'retention.db'), { clock, retention: { intervalMs: 30, batchSize: 2 } });
    const e = h.engine;
    await e.registerNamespace({ namespace: 'short', retentionMs: MINUTE });
    const start = (namespace: string, workflowId: string) => e.startWorkflow({ namespace, workflowId, workflowType: 't', taskQueue: `q-${namespace}`, input: [] });
    for (let i = 0; i < 5; i++) {
      await start('short', `closed-${i}`);
      await completeTask(e, 'short', 'q-short', [complete]);
    }
    await start('short', 'open');
    await start('default', 'closed-default');
    await e.terminateWorkflow({ namespace: 'default', workflowId: 'closed-default' });
    assert.equal((await e.describeWorkflow({ namespace: 'short', workflowId: 'closed-0' })).status, 'COMPLETED', 'cached in memory before the sweep');

    // Within retention: nothing goes, however many sweeps run.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(await count(e, 'short'), 6);

    clock.advance(MINUTE + 1000);
    await until('the closed runs of short are gone', async () => (await count(e, 'short', 'CloseTime IS NOT NULL')) === 0);
    assert.deepEqual((await e.listWorkflows({ namespace: 'short' })).executions.map((x) => x.workflowId), ['open']);
    assert.equal((await e.describeWorkflow({ namespace: 'short', workflowId: 'open' })).status, 'RUNNING');
    await assert.rejects(e.describeWorkflow({ namespace: 'short', workflowId: 'closed-0' }), (err: unknown) => err instanceof ApiError && err.code === 'NOT_FOUND', 'evicted from memory too');
    await assert.rejects(e.getHistory({ namespace: 'short', workflowId: 'closed-4' }), (err: unknown) => err instanceof ApiError && err.code === 'NOT_FOUND');
    assert.equal(await count(e, 'default'), 1, "default's 3-day retention keeps its closed run");

    // A deleted run's workflow id can be started afresh.
    await start('short', 'closed-0');
    assert.equal((await e.describeWorkflow({ namespace: 'short', workflowId: 'closed-0' })).status, 'RUNNING');

    clock.advance(3 * 24 * 60 * MINUTE);
    await until("default's closed run is gone after 3 days", async () => (await count(e, 'default')) === 0);
    assert.equal(await count(e, 'short'), 2, 'open runs are never deleted');
    await h.close();
  });

  it('by default sweeps a twentieth of the shortest retention apart, so skipping days of time stops at few sweeps', async () => {
    const clock = new JumpClock();
    // As in the time-skipping environment: a far timer horizon, so only real deadlines stop time.
    const h = await openEngine(join(dir, 'skipping.db'), { clock, timerHorizonMs: 100 * 365 * 24 * 60 * MINUTE });
    const e = h.engine;
    await e.startWorkflow({ namespace: 'default', workflowId: 'done', workflowType: 't', taskQueue: 'q', input: [] });
    await completeTask(e, 'default', 'q', [complete]);
    await clock.jump(2 * 24 * 60 * MINUTE);
    assert.equal(await count(e, 'default'), 1, 'within the 3-day retention');
    await clock.jump(2 * 24 * 60 * MINUTE);
    assert.equal(await count(e, 'default'), 0, 'gone after 4 days');
    assert.ok(clock.stops <= 40, `${clock.stops} stops in 4 days (one sweep every 3.6 hours)`);
    await h.close();
  });
});
