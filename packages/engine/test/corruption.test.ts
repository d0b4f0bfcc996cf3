// Damage at rest is detected, never served: random bytes written into the pages of a database
// holding finished workflows are caught when the file is opened or when the damaged data is
// read; no call returns an altered history or result, and a damaged file takes no new work.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type Command, type HistoryEvent } from '@endure/protocol';
import { mulberry32 } from '@endure/common';
import { nextTask, openEngine, p, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const WORKFLOWS = 30;
const PAGE = 4096;

/** Runs WORKFLOWS workflows to completion, each with two activities; some payloads span pages. */
async function fill(file: string): Promise<Map<string, HistoryEvent[]>> {
  const { engine, close } = await openEngine(file);
  const poll = { namespace: ns, taskQueue: 'q', identity: 'test', timeoutMs: 2000 };
  for (let i = 0; i < WORKFLOWS; i++) await engine.startWorkflow({ namespace: ns, workflowId: `wf-${i}`, workflowType: 'w', taskQueue: 'q', input: [p('x'.repeat(i % 5 === 0 ? 9000 : 50 + i))] });
  const schedule = (seq: number): Command => ({ type: 'ScheduleActivity', seq, activityId: String(seq), activityType: 'a', args: [], timeouts: { startToCloseTimeoutMs: 60_000 }, retryPolicy: {} });
  for (let step = 0; step < 3; step++) {
    for (let i = 0; i < WORKFLOWS; i++) {
      const t = await nextTask(engine, ns, 'q');
      const commands: Command[] = step < 2 ? [schedule(step + 1)] : [{ type: 'CompleteWorkflow', result: p(`result of ${t.workflowId}`) }];
      await engine.completeWorkflowTask({ taskToken: t.taskToken, commands, sawUpTo: t.lastEventId, time: Date.now() });
      if (step < 2) {
        const a = await engine.pollActivityTask(poll);
        assert.ok(a);
        await engine.completeActivityTask({ taskToken: a.taskToken, result: p(`activity ${step + 1} of ${a.workflowId}`) });
      }
    }
  }
  const histories = new Map<string, HistoryEvent[]>();
  for (let i = 0; i < WORKFLOWS; i++) histories.set(`wf-${i}`, (await engine.getHistory({ namespace: ns, workflowId: `wf-${i}` })).events);
  await close();
  assert.ok(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0, 'everything is in the main file');
  return histories;
}

/** Writes `n` random bytes at a random place in a random page after the first. */
function corrupt(file: string, random: () => number, n: number): void {
  const pages = Math.floor(statSync(file).size / PAGE);
  const at = (1 + Math.floor(random() * (pages - 1))) * PAGE + Math.floor(random() * (PAGE - n));
  const bytes = Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, n, at);
  closeSync(fd);
}

const refused = (e: unknown, file: string) => e instanceof Error && e.message.includes(file) && /damaged/.test(e.message) && /restore/.test(e.message);

describe('damaged databases', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are refused at open or on read, and never serve an altered history or result', async (t) => {
    const original = join(dir, 'original.db');
    const histories = await fill(original);
    const random = mulberry32(20261207);
    const outcome = { atOpen: 0, onRead: 0, unnoticed: 0 };
    for (let trial = 0; trial < 40; trial++) {
      const file = join(dir, `trial-${trial}.db`);
      copyFileSync(original, file);
      corrupt(file, random, trial % 2 ? 48 : 4);
      let opened;
      try {
        opened = await openEngine(file);
      } catch (e) {
        assert.ok(refused(e, file), `trial ${trial}: open failed with a message that names the file and the fix: ${(e as Error).message}`);
        outcome.atOpen++;
        continue;
      }
      let detected = false;
      for (const [workflowId, events] of histories) {
        try {
          const h = await opened.engine.getHistory({ namespace: ns, workflowId });
          assert.deepEqual(h.events, events, `trial ${trial}: ${workflowId}'s history is served unaltered or not at all`);
          const r = await opened.engine.getResult({ namespace: ns, workflowId, timeoutMs: 0 });
          assert.deepEqual(r.closeEvent, events[events.length - 1], `trial ${trial}: ${workflowId}'s result is served unaltered or not at all`);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(e instanceof ApiError && ['DATA_LOSS', 'UNAVAILABLE'].includes(e.code), `trial ${trial}: ${workflowId}: ${String(e)}`);
          if (e.code === 'DATA_LOSS') assert.ok(refused(e, file), e.message);
          detected = true;
        }
      }
      if (detected) {
        outcome.onRead++;
        // A damaged file takes no new work: the engine stopped at the first damage it read.
        await assert.rejects(opened.engine.startWorkflow({ namespace: ns, workflowId: 'new', workflowType: 'w', taskQueue: 'q', input: [] }), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && /damaged/.test(e.message));
      } else outcome.unnoticed++;
      await opened.close().catch(() => {});
    }
    t.diagnostic(`of 40 damaged copies: ${outcome.atOpen} refused at open, ${outcome.onRead} on read, ${outcome.unnoticed} unnoticed (and served unaltered)`);
    // Damage in free space or in bytes that hold nothing read here goes unnoticed; most does not.
    assert.ok(outcome.atOpen + outcome.onRead >= 10, `detected ${JSON.stringify(outcome)}`);
    assert.ok(outcome.atOpen > 0 && outcome.onRead > 0, `both ways of detecting were exercised: ${JSON.stringify(outcome)}`);
  });

  it('a file that is not a database at all is refused at open, naming it', async () => {
    const file = join(dir, 'garbage.db');
    copyFileSync(join(dir, 'original.db'), file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
    closeSync(fd);
    await assert.rejects(openEngine(file), (e: unknown) => refused(e, file));
    assert.deepEqual(readFileSync(file).subarray(0, 4), Buffer.from('AAAA'), 'the damaged file was not rewritten');
  });
});
