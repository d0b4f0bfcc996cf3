// Exactly once under server crashes, with real processes: one server SIGKILLed and restarted
// over and over (≥ 30 times) while two worker processes and a client run 500 workflows with
// activities, timers and signals. Afterwards every history is checked: one run per workflow id,
// gap-free event ids, each activity completed exactly once, the timer fired once, the signal
// recorded once, one close event and the right result.
// Kill timing comes from a seeded PRNG; re-run a failing case with CRASH_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection, type WorkflowHandle } from '@endure/client';
import { startServerProcess, type ServerProcess } from '@endure/integration/server-process';
import { mulberry32 } from '@endure/common';
import { CLOSE_EVENT_TYPES, type HistoryEvent } from '@endure/protocol';
import { chaosWorkflow, expectedChaosResult, go } from '../src/server/workflows.js';
import { crashSeed, freePort, startWorkerProcess } from './harness/server-parts.js';
import { assertGaplessEventIds } from './harness/history-checks.js';

const COUNT = 500;
const KILLS = 30;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (events: HistoryEvent[], type: HistoryEvent['type']) => events.filter((e) => e.type === type).length;

function checkHistory(id: string, events: HistoryEvent[]): void {
  assertGaplessEventIds(id, events);
  const scheduled = events.flatMap((e) => (e.type === 'ActivityTaskScheduled' ? [e.attributes.seq] : []));
  assert.equal(scheduled.length, 2, `${id}: two activities scheduled`);
  for (const seq of scheduled) {
    const outcomes = events.filter((e) => e.type.startsWith('ActivityTask') && e.type !== 'ActivityTaskScheduled' && (e.attributes as { seq: number }).seq === seq);
    assert.deepEqual(outcomes.map((e) => e.type), ['ActivityTaskCompleted'], `${id}: activity ${seq} has exactly one outcome, a completion`);
  }
  assert.equal(count(events, 'TimerStarted'), 1, `${id}: one timer`);
  assert.equal(count(events, 'TimerFired'), 1, `${id}: the timer fired once`);
  assert.equal(count(events, 'WorkflowExecutionSignaled'), 1, `${id}: the signal recorded once`);
  assert.equal(events.filter((e) => CLOSE_EVENT_TYPES.has(e.type)).length, 1, `${id}: one close event`);
  assert.equal(events[events.length - 1]!.type, 'WorkflowExecutionCompleted', `${id}: closes last, completed`);
}

test(`server SIGKILLed ${KILLS} times under ${COUNT} workflows with activities, timers and signals: every history holds`, { timeout: 600_000 }, async (t) => {
  const seed = crashSeed();
  const random = mulberry32(seed);
  t.diagnostic(`CRASH_SEED=${seed}`);
  const dir = mkdtempSync(join(tmpdir(), 'endure-chaos-'));
  const db = join(dir, 'endure.db');
  const port = await freePort();
  let server: ServerProcess = await startServerProcess(db, { port });
  const workers: ChildProcess[] = await Promise.all([0, 1].map(() => startWorkerProcess(server.address, 'chaos', join(dir, 'executions.jsonl'))));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const ids = Array.from({ length: COUNT }, (_, n) => `chaos-${n}`);
    const handles: WorkflowHandle<string>[] = [];
    // Starts and signals keep coming while the server is being killed. The kills begin once the
    // first starts are answered: a client that never reached its server fails at once (a wrong
    // address), one that did waits an outage out.
    let firstAnswered!: () => void;
    const reached = new Promise<void>((resolve) => (firstAnswered = resolve));
    const load = (async () => {
      for (let n = 0; n < COUNT; n += 20) {
        const batch = await Promise.all(
          ids.slice(n, n + 20).map((workflowId, i) => client.workflow.start(chaosWorkflow, { taskQueue: 'chaos', workflowId, args: [n + i], workflowTaskTimeout: '2s' })),
        );
        handles.push(...batch);
        firstAnswered();
        await pause(150);
        await Promise.all(batch.map((h, i) => h.signal(go, `go-${n + i}`)));
      }
    })();
    let loading = true;
    void load.finally(() => (loading = false));
    let kills = 0;
    let killsDuringLoad = 0;
    const killing = (async () => {
      await reached;
      while (kills < KILLS) {
        await pause(300 + random() * 900); // up long enough between kills for clients backing off (up to 2 s) to get through
        await server.kill();
        kills++;
        if (loading) killsDuringLoad++;
        await pause(random() * 200);
        server = await startServerProcess(db, { port });
      }
    })();
    await Promise.all([load, killing]);
    assert.equal(kills, KILLS);
    assert.ok(killsDuringLoad >= 10, `only ${killsDuringLoad} kills landed while workflows were still being started and signalled`);
    t.diagnostic(`${killsDuringLoad} of ${kills} kills landed while starts and signals were still being sent`);
    // Every workflow finishes soon after the last restart; one that does not is described.
    const finished = await Promise.race([Promise.all(handles.map((h) => h.result())), pause(120_000).then(() => undefined)]);
    if (!finished) {
      const stuck: string[] = [];
      for (const h of handles) {
        const d = await h.describe();
        if (d.status.name !== 'COMPLETED') stuck.push(`${h.workflowId} ${d.status.name} activities ${JSON.stringify(d.pendingActivities)} task ${JSON.stringify(d.pendingWorkflowTask)}`);
      }
      assert.fail(`${stuck.length} workflows unfinished 2 minutes after the last restart:\n${stuck.slice(0, 10).join('\n')}`);
    }
    const results = finished;
    results.forEach((r, n) => assert.equal(r, expectedChaosResult(n), `result of chaos-${n}`));
    const runs = new Map<string, number>();
    for await (const w of client.workflow.list()) runs.set(w.workflowId, (runs.get(w.workflowId) ?? 0) + 1);
    for (const id of ids) assert.equal(runs.get(id), 1, `${id}: exactly one run`);
    for (const h of handles) checkHistory(h.workflowId, (await h.fetchHistory()).events);
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
});
