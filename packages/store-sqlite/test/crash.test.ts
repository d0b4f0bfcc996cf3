import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { SqliteStore } from '../src/index.js';
import { RUNS, crashEvent, crashKey } from './fixtures/crash-writer.js';
import { exited, startFixture, tempDir } from './helpers.js';

/** Runs the writer until it has acknowledged `acks` writes, then SIGKILLs it. */
async function writeAndKill(file: string, acks: number, acked: Map<string, number>): Promise<void> {
  let seen = 0;
  const child = startFixture('crash-writer', [file], (line) => {
    const [wf, next] = line.split(' ');
    acked.set(wf, Math.max(acked.get(wf) ?? 0, Number(next)));
    if (++seen === acks) child.kill('SIGKILL');
  });
  assert.equal(await exited(child), 'SIGKILL');
  assert.ok(seen >= acks, `writer died after ${seen} acks`);
}

void it('every acknowledged write survives SIGKILL, and histories stay contiguous', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, 'crash.db');
    const acked = new Map<string, number>();
    // Several rounds: each writer resumes from what the killed one left, and dies somewhere else.
    for (let round = 0; round < 3; round++) {
      await writeAndKill(file, 300, acked);
      const store = await SqliteStore.open(file);
      try {
        for (let i = 0; i < RUNS; i++) {
          const k = crashKey(i);
          const record = await store.getWorkflow(k);
          const ack = acked.get(k.workflowId);
          if (ack !== undefined) assert.ok(record && record.nextEventId >= ack, `${k.workflowId}: acked ${ack}, found ${record?.nextEventId}`);
          if (!record) continue;
          // Record, history and task row were written in one transaction: all or nothing.
          const history = await store.readHistory(k);
          assert.deepEqual(history.map((e) => e.eventId), Array.from({ length: record.nextEventId - 1 }, (_, j) => j + 1));
          for (const e of history) assert.deepEqual(e, crashEvent(k, e.eventId));
          assert.equal(record.state, `{"next":${record.nextEventId}}`);
        }
        const tasks = await store.listTasks(1000);
        assert.equal(tasks.length, acked.size);
        for (const t of tasks) assert.equal(t.visibleAt, (await store.getWorkflow(t))?.nextEventId);
      } finally {
        await store.close();
      }
    }
    assert.equal(acked.size, RUNS);
  } finally {
    await cleanup();
  }
});
