// Polls that take several tasks at once (pollWorkflowTasks / pollActivityTasks): the poll waits
// for the first task, then takes what else is ready, never more than asked; a bad maxTasks is
// refused naming the field.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TASKS_PER_POLL } from '@endure/protocol';
import { openEngine, p, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const poll = { namespace: ns, taskQueue: 'multi', identity: 'test', timeoutMs: 2000 };

describe('polls for several tasks', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hands out the ready tasks up to maxTasks, each once, and waits for the first when none is ready', async () => {
    const { engine, close } = await openEngine(join(dir, 'multi.db'));
    try {
      for (let i = 0; i < 5; i++) await engine.startWorkflow({ namespace: ns, workflowId: `m-${i}`, workflowType: 'w', taskQueue: 'multi', input: [] });
      const first = await engine.pollWorkflowTasks({ ...poll, maxTasks: 3 });
      assert.equal(first.tasks.length, 3);
      const rest = await engine.pollWorkflowTasks({ ...poll, maxTasks: 10 });
      assert.equal(rest.tasks.length, 2, 'only what is ready: the poll does not wait to fill up');
      const ids = [...first.tasks, ...rest.tasks].map((t) => t.workflowId).sort();
      assert.deepEqual(ids, ['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);

      // Each completion schedules an activity; one poll takes them all.
      for (const t of [...first.tasks, ...rest.tasks]) {
        const command = { type: 'ScheduleActivity' as const, seq: 1, activityId: '1', activityType: 'a', args: [p(t.workflowId)], timeouts: { startToCloseTimeoutMs: 5000 }, retryPolicy: {} };
        await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [command], sawUpTo: t.lastEventId, time: Date.now() });
      }
      const acts = await engine.pollActivityTasks({ ...poll, maxTasks: MAX_TASKS_PER_POLL });
      assert.deepEqual(acts.tasks.map((a) => a.workflowId).sort(), ids);

      // Nothing ready: the poll waits for the next task and answers with it.
      const waiting = engine.pollWorkflowTasks({ ...poll, maxTasks: 10 });
      await new Promise((r) => setTimeout(r, 50));
      await engine.startWorkflow({ namespace: ns, workflowId: 'late', workflowType: 'w', taskQueue: 'multi', input: [] });
      assert.deepEqual((await waiting).tasks.map((t) => t.workflowId), ['late']);

      // Nothing arrives: empty once the timeout passes.
      assert.deepEqual(await engine.pollActivityTasks({ ...poll, maxTasks: 4, timeoutMs: 30 }), { tasks: [] });
    } finally {
      await close();
    }
  });

  it('refuses maxTasks out of range, naming the field and the bound', async () => {
    const { api, close } = await openEngine(join(dir, 'bad.db'));
    try {
      await assert.rejects(api.pollActivityTasks({ ...poll, maxTasks: 0 }), /invalid pollActivityTasks request: maxTasks: .*>=1/);
      await assert.rejects(api.pollWorkflowTasks({ ...poll, maxTasks: MAX_TASKS_PER_POLL + 1 }), /invalid pollWorkflowTasks request: maxTasks: .*<=64/);
      await assert.rejects(api.pollWorkflowTasks({ ...poll } as never), /maxTasks/);
    } finally {
      await close();
    }
  });
});
