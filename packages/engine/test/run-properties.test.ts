// A run's memo and search attributes are written when they change (start, upsert, continue-as-new),
// not at every step: the engine's mutations carry them only then (issue 10, write amplification).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@endure/protocol';
import type { Store } from '@endure/storage';
import { SqliteStore } from '@endure/store-sqlite';
import { Engine } from '../src/index.js';
import { completeTask, p, payloads, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const schedule = (seq: number): Command => ({ type: 'ScheduleActivity', seq, activityId: String(seq), activityType: 'a', args: [], timeouts: { startToCloseTimeoutMs: 60_000 }, retryPolicy: {} });

/** What each write the engine issued said about the run's properties, in order. */
type Written = { kind: 'create' | 'update'; runId: string; memo?: unknown };

/** The real SQLite store, with every create and update it is given noted on the way in. */
function noting(store: Store, written: Written[]): Store {
  return new Proxy(store, {
    get: (target, prop) => {
      if (prop === 'createWorkflow') {
        return (c: Parameters<Store['createWorkflow']>[0]) => {
          written.push({ kind: 'create', runId: c.record.runId, memo: c.record.properties?.memo });
          return target.createWorkflow(c);
        };
      }
      if (prop === 'updateWorkflow') {
        return (u: Parameters<Store['updateWorkflow']>[0]) => {
          written.push({ kind: 'update', runId: u.key.runId, memo: u.record.properties?.memo });
          if (u.continueAsNew) written.push({ kind: 'create', runId: u.continueAsNew.record.runId, memo: u.continueAsNew.record.properties?.memo });
          return target.updateWorkflow(u);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('run properties are stored apart from the per-step state', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the memo at start, at an upsert and into a continue-as-new successor, and at no other step', async () => {
    const file = join(dir, 'props.db');
    const written: Written[] = [];
    const sqlite = await SqliteStore.open(file);
    const engine = await Engine.open(noting(sqlite, written));
    const memo = payloads({ blob: 'x'.repeat(100_000) });
    const { runId } = await engine.startWorkflow({ namespace: ns, workflowId: 'big-memo', workflowType: 't', taskQueue: 'q', input: [], memo });
    const activity = async () => {
      const t = await engine.pollActivityTask({ namespace: ns, taskQueue: 'q', identity: 'test', timeoutMs: 2000 });
      assert.ok(t);
      await engine.completeActivityTask({ taskToken: t.taskToken, result: p(t.seq) });
    };
    await completeTask(engine, ns, 'q', [schedule(1)]);
    await activity();
    await completeTask(engine, ns, 'q', [{ type: 'ModifyProperties', memo: payloads({ note: 'reviewed' }) }, schedule(2)]);
    await activity();
    const merged = { ...memo, ...payloads({ note: 'reviewed' }) };
    assert.deepEqual((await engine.describeWorkflow({ namespace: ns, workflowId: 'big-memo' })).memo, merged);
    await completeTask(engine, ns, 'q', [{ type: 'ContinueAsNew', args: [] }]);
    const next = written.at(-1)!.runId;
    assert.deepEqual(written, [
      { kind: 'create', runId, memo },
      { kind: 'update', runId, memo: undefined }, // workflow task: schedule activity 1
      { kind: 'update', runId, memo: undefined }, // activity 1 completed
      { kind: 'update', runId, memo: merged }, // workflow task: upsert, schedule activity 2
      { kind: 'update', runId, memo: undefined }, // activity 2 completed
      { kind: 'update', runId, memo: undefined }, // workflow task: continue as new (closes this run)
      { kind: 'create', runId: next, memo: merged }, // ... and creates the next, memo carried over
    ]);
    await engine.close();
    await sqlite.close();

    // A fresh engine reads both runs' memo back from the store.
    const again = await SqliteStore.open(file);
    const reopened = await Engine.open(again);
    try {
      assert.deepEqual((await reopened.describeWorkflow({ namespace: ns, workflowId: 'big-memo', runId })).memo, merged);
      assert.deepEqual((await reopened.describeWorkflow({ namespace: ns, workflowId: 'big-memo' })).memo, merged);
      const listed = await reopened.listWorkflows({ namespace: ns });
      // (Both runs may have started in the same millisecond: their listing order is then by run id.)
      assert.deepEqual(new Map(listed.executions.map((e) => [e.runId, e.memo])), new Map([[next, merged], [runId, merged]]));
    } finally {
      await reopened.close();
      await again.close();
    }
  });
});
