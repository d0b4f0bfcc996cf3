// Issue 4, acceptance 2: server mode survives crashes of its parts.
// 1. The server process is SIGKILLed (and restarted on the same port) while 500 workflows are
//    being started and run: every workflow completes with its result, and no workflow id has a
//    second run.
// 2. One of three worker processes is SIGKILLed again and again: every workflow completes.
// Kill timing comes from a seeded PRNG; re-run a failing case with CRASH_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@endure/client';
import { DefaultLogger, NativeConnection, Worker } from '@endure/worker';
import { startServerProcess, type ServerProcess } from '@endure/integration/server-process';
import { serverLoadActivities } from '../src/server/activities.js';
import { expectedServerLoadResult, serverLoadWorkflow } from '../src/server/workflows.js';
import { mulberry32 } from '@endure/common';
import { crashSeed as seedOf, freePort, startWorkerProcess } from './harness/server-parts.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../src/server/workflows.js', import.meta.url));

const prng = mulberry32;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every run in the namespace: exactly one per expected workflow id, all completed. */
async function assertOneCompletedRunEach(client: Client, ids: string[]): Promise<void> {
  const seen = new Map<string, number>();
  for await (const w of client.workflow.list()) {
    seen.set(w.workflowId, (seen.get(w.workflowId) ?? 0) + 1);
    assert.equal(w.status.name, 'COMPLETED', `${w.workflowId} (${w.runId}) status`);
  }
  assert.equal(seen.size, ids.length, 'one listed workflow id per started workflow');
  for (const id of ids) assert.equal(seen.get(id), 1, `${id}: exactly one run`);
  assert.equal((await client.workflow.count()).count, ids.length);
}

test('server SIGKILLed during a 500-workflow load and restarted: every workflow completes, none duplicated', { timeout: 300_000 }, async (t) => {
  const seed = seedOf();
  const random = prng(seed);
  t.diagnostic(`CRASH_SEED=${seed}`);
  const dir = mkdtempSync(join(tmpdir(), 'endure-crash-server-'));
  const db = join(dir, 'endure.db');
  const port = await freePort();
  let server: ServerProcess = await startServerProcess(db, { port });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const workerConn = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: workerConn,
    taskQueue: 'server-crash',
    workflowsPath: WORKFLOWS_PATH,
    activities: serverLoadActivities,
    logger: new DefaultLogger('ERROR', () => {}),
    maxConcurrentActivityTaskExecutions: 50,
  });
  const running = worker.run();
  try {
    const COUNT = 500;
    const ids = Array.from({ length: COUNT }, (_, n) => `load-${n}`);
    const handles: WorkflowHandle<string>[] = [];
    const starting = (async () => {
      for (let n = 0; n < COUNT; n += 25) {
        const batch = ids.slice(n, n + 25).map((workflowId, i) =>
          client.workflow.start(serverLoadWorkflow, { taskQueue: 'server-crash', workflowId, args: [n + i], workflowTaskTimeout: '2s' }),
        );
        handles.push(...(await Promise.all(batch)));
      }
    })();
    const KILLS = 3;
    for (let k = 0; k < KILLS; k++) {
      await pause(300 + random() * 1200);
      await server.kill();
      await pause(100 + random() * 400);
      server = await startServerProcess(db, { port });
    }
    await starting;
    assert.equal(handles.length, COUNT);
    const results = await Promise.all(handles.map((h) => h.result()));
    results.forEach((r, n) => assert.equal(r, expectedServerLoadResult(n), `result of load-${n}`));
    await assertOneCompletedRunEach(client, ids);
  } finally {
    worker.shutdown();
    await running.catch(() => {});
    await workerConn.close();
    await connection.close();
    const code = await server.stop();
    assert.equal(code, 0, `server exit code on SIGTERM; stderr:\n${server.stderr()}`);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one of three worker processes SIGKILLed repeatedly: every workflow completes', { timeout: 300_000 }, async (t) => {
  const seed = seedOf();
  const random = prng(seed);
  t.diagnostic(`CRASH_SEED=${seed}`);
  const dir = mkdtempSync(join(tmpdir(), 'endure-crash-workers-'));
  const log = join(dir, 'executions.jsonl');
  const server = await startServerProcess(join(dir, 'endure.db'));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(server.address, 'worker-crash', log)));
  const killedPids: number[] = [];
  try {
    const COUNT = 150;
    const ids = Array.from({ length: COUNT }, (_, n) => `w-${n}`);
    const handles = await Promise.all(
      ids.map((workflowId, n) => client.workflow.start(serverLoadWorkflow, { taskQueue: 'worker-crash', workflowId, args: [n], workflowTaskTimeout: '1s' })),
    );
    const KILLS = 6;
    for (let k = 0; k < KILLS; k++) {
      await pause(200 + random() * 600);
      const i = Math.floor(random() * workers.length);
      const victim = workers[i]!;
      killedPids.push(victim.pid!);
      const gone = new Promise((r) => victim.once('exit', r));
      victim.kill('SIGKILL');
      await gone;
      workers[i] = await startWorkerProcess(server.address, 'worker-crash', log);
    }
    const results = await Promise.all(handles.map((h) => h.result()));
    results.forEach((r, n) => assert.equal(r, expectedServerLoadResult(n), `result of w-${n}`));
    await assertOneCompletedRunEach(client, ids);
    // The kills landed on working processes: killed workers had run activities.
    const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number }) : [];
    const byKilled = lines.filter((l) => killedPids.includes(l.pid)).length;
    assert.ok(byKilled > 0, `killed workers ran ${byKilled} activity executions`);
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
