// What the engine does with stored run data it cannot read (a real SQLite file, changed through
// the store as another release or damage would leave it): a state from before versions carries on
// and is written back at the current version; a newer release's state is refused for that run
// only; a damaged state, or a timer or task id no release wrote, stops the engine with the reason.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { ApiError } from '@endure/protocol';
import { SqliteStore } from '@endure/store-sqlite';
import type { RunKey, TaskRow, TimerRow } from '@endure/storage';
import { Engine } from '../src/index.js';
import { RUN_STATE_VERSION } from '../src/run-state-codec.js';
import { complete, completeTask, openEngine, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
let files = 0;

/** A database with one running workflow (its first task not yet taken), and that run's key. */
async function oneRun(): Promise<{ file: string; key: RunKey }> {
  const file = join(dir, `db-${++files}.db`);
  const { engine, close } = await openEngine(file);
  const { runId } = await engine.startWorkflow({ namespace: ns, workflowId: 'w', workflowType: 't', taskQueue: 'q', input: [] });
  await close();
  return { file, key: { namespace: ns, workflowId: 'w', runId } };
}

/** Changes the stored run directly through the store, as no engine would. */
async function tamper(file: string, key: RunKey, change: { state?: (s: string) => string; timer?: string; task?: string }): Promise<void> {
  const store = await SqliteStore.open(file);
  try {
    const record = (await store.getWorkflow(key))!;
    const upsertTimers: TimerRow[] = change.timer ? [{ ...key, timerId: change.timer, fireAt: Date.now() }] : [];
    const upsertTasks: TaskRow[] = change.task ? [{ ...key, taskQueue: 'q', kind: 'activity', taskId: change.task, visibleAt: 0 }] : [];
    const state = change.state ? change.state(record.state) : record.state;
    await store.updateWorkflow({ key, expectedNextEventId: record.nextEventId, record: { ...record, state }, events: [], upsertTimers, upsertTasks });
  } finally {
    await store.close();
  }
}

async function storedState(file: string, key: RunKey): Promise<string> {
  const store = await SqliteStore.open(file);
  try {
    return (await store.getWorkflow(key))!.state;
  } finally {
    await store.close();
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; !ok(); i++) {
    if (i > 500) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const withoutVersion = (s: string) => {
  const { v, ...rest } = JSON.parse(s) as Record<string, unknown>;
  assert.equal(v, RUN_STATE_VERSION, 'the engine wrote the current version');
  return JSON.stringify(rest);
};

describe('stored run data from elsewhere', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a state without a version (before versions) carries on, and is written back with the current one', async () => {
    const { file, key } = await oneRun();
    await tamper(file, key, { state: withoutVersion });
    assert.ok(!(await storedState(file, key)).startsWith('{"v":'));
    const { engine, close } = await openEngine(file);
    try {
      await completeTask(engine, ns, 'q', [complete]);
      assert.equal((await engine.describeWorkflow({ namespace: ns, workflowId: 'w' })).status, 'COMPLETED');
    } finally {
      await close();
    }
    assert.ok((await storedState(file, key)).startsWith(`{"v":${RUN_STATE_VERSION},`));
  });

  it('a state from a newer release is refused for its run, naming it and "upgrade Endure"; the engine goes on', async () => {
    const { file, key } = await oneRun();
    await tamper(file, key, { state: (s) => s.replace(`{"v":${RUN_STATE_VERSION},`, `{"v":${RUN_STATE_VERSION + 1},`) });
    const { engine, close } = await openEngine(file);
    try {
      await assert.rejects(
        engine.describeWorkflow({ namespace: ns, workflowId: 'w' }),
        (e: unknown) => e instanceof ApiError && e.code === 'FAILED_PRECONDITION' && e.message.includes(`workflow w run ${key.runId}`) && /upgrade Endure/.test(e.message),
      );
      assert.deepEqual(engine.health(), { status: 'serving' });
      await engine.startWorkflow({ namespace: ns, workflowId: 'another', workflowType: 't', taskQueue: 'q2', input: [] });
    } finally {
      await close();
    }
  });

  it('a damaged state is DATA_LOSS, and stops the engine', async () => {
    const { file, key } = await oneRun();
    await tamper(file, key, { state: (s) => s.replace('"wft":{', '"wft":{"status":"sideways","x":{') });
    const { engine, close } = await openEngine(file);
    try {
      await assert.rejects(
        engine.describeWorkflow({ namespace: ns, workflowId: 'w' }),
        (e: unknown) => e instanceof ApiError && e.code === 'DATA_LOSS' && e.message.includes(`workflow w run ${key.runId}`) && /damaged/.test(e.message),
      );
      const health = engine.health();
      assert.equal(health.status, 'failed');
      assert.match(health.status === 'failed' ? health.cause : '', /state of workflow w run .* is damaged/);
    } finally {
      await close();
    }
  });

  it('a timer id no release wrote stops the engine, naming it and the run', async () => {
    const { file, key } = await oneRun();
    await tamper(file, key, { timer: 'fx:teleport:1' });
    const { engine, close } = await openEngine(file);
    try {
      await until('the timer to fire', () => engine.health().status !== 'serving');
      const health = engine.health();
      assert.equal(health.status, 'failed');
      assert.match(health.status === 'failed' ? health.cause : '', new RegExp(`workflow w run ${key.runId} in namespace default has a timer 'fx:teleport:1' that this release of Endure does not know.*upgrade Endure`));
    } finally {
      await close();
    }
  });

  it('a task id no release wrote refuses the open, naming it and the run', async () => {
    const { file, key } = await oneRun();
    await tamper(file, key, { task: 'activity:one' });
    const store = await SqliteStore.open(file);
    try {
      await assert.rejects(Engine.open(store), (e: unknown) => e instanceof Error && e.message.includes(`workflow w run ${key.runId} in namespace default has a task 'activity:one'`));
    } finally {
      await store.close();
    }
  });
});
