// Server start-up: how long `endure server` (run-server, as `start-dev` runs it) takes from spawn
// to its ready line, on a new database file and on one that holds workflows — what a supervisor
// restarting a crashed server waits for. Median of RUNS starts each, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@endure/client';
import { startServerProcess } from '@endure/integration/server-process';
import { distribution, log, target, type ScenarioResult } from './harness.js';

const RUNS = 7;
const WORKFLOWS = 500;

async function readyMs(db: string): Promise<number> {
  const t0 = performance.now();
  const server = await startServerProcess(db);
  const ms = performance.now() - t0;
  await server.stop();
  return ms;
}

export async function run(): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'endure-bench-startup-'));
  try {
    const existing = join(dir, 'existing.db');
    const server = await startServerProcess(existing);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    for (let i = 0; i < WORKFLOWS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => client.workflow.start('waiting', { taskQueue: 'nobody', workflowId: `w-${i + j}` })));
    }
    await connection.close();
    await server.stop();
    const fresh: number[] = [];
    const reopened: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      fresh.push(await readyMs(join(dir, `fresh-${i}.db`)));
      reopened.push(await readyMs(existing));
    }
    const newDb = distribution(fresh);
    const oldDb = distribution(reopened);
    log(`startup: new database p50 ${newDb.p50} ms; with ${WORKFLOWS} workflows p50 ${oldDb.p50} ms`);
    return {
      description: `endure server (run-server) from spawn to its ready line, ${RUNS} starts each on a new database file and on one holding ${WORKFLOWS} open workflows (recovery included)`,
      settings: { runs: RUNS, workflows: WORKFLOWS },
      results: { newDatabaseMs: newDb, existingDatabaseMs: oldDb },
      targets: [target('ready on a new database p50', '<=', 1_000, newDb.p50, 'ms'), target(`ready with ${WORKFLOWS} workflows p50`, '<=', 2_000, oldDb.p50, 'ms')],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
