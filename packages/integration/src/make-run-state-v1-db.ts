// Writes fixtures/databases/run-state-v1.db.gz (gzipped: `*.db` files are not committed): a
// database whose runs are stopped part-way, in the states a release must be able to pick up from
// another release's files (a timer, a signal wait, an activity backing off before its retry, a
// running child, a cron run and a delayed start waiting for their time, an accepted update), plus
// one closed run. Their code is workflows/frozen-v1-runs.ts; run-state-upgrade.test.ts opens a
// copy and finishes them. The file's value is its age: it is written once and kept (this refuses
// to overwrite it).
// `node packages/integration/dist/src/make-run-state-v1-db.js [out.db.gz]`
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Client, Connection, WorkflowUpdateStage, type WorkflowHandle } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { makeActivities } from './activities.js';
import { memoryLogger, workflowsPath } from './harness.js';

export const RUN_STATE_V1_QUEUE = 'run-state-v1';
/** Its timers (and the activity's retry) are due 20 s after it was written; writing must take far less. */
const WRITE_BUDGET_MS = 10_000;

const out = process.argv[2] ?? fileURLToPath(new URL('../../fixtures/databases/run-state-v1.db.gz', import.meta.url));
if (existsSync(out)) throw new Error(`${out} exists: the fixture is kept as it was written; delete it first to write a new one`);

const dir = mkdtempSync(join(tmpdir(), 'endure-v1-db-'));
const file = join(dir, 'run-state-v1.db');
const address = `sqlite:${file}`;
const began = Date.now();

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  while (!(await ok())) {
    if (Date.now() - began > WRITE_BUDGET_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const hasEvent = async (h: WorkflowHandle, type: string) => (await h.fetchHistory()).events.some((e) => e.type === type);

const connection = await Connection.connect({ address });
const workerConnection = await NativeConnection.connect({ address });
const worker = await Worker.create({ connection: workerConnection, taskQueue: RUN_STATE_V1_QUEUE, workflowsPath: workflowsPath('frozen-v1-runs'), activities: makeActivities().activities, logger: memoryLogger() });
const running = worker.run();
try {
  const client = new Client({ connection });
  const start = (type: string, workflowId: string, opts: Record<string, unknown> = {}) => client.workflow.start(type, { taskQueue: RUN_STATE_V1_QUEUE, workflowId, ...opts });

  const sleeper = await start('sleeper', 'v1-sleeper', { workflowRunTimeout: '1 day', workflowExecutionTimeout: '2 days' });
  const waiting = await start('waitsForSignal', 'v1-waits-for-signal');
  const retrying = await start('retriesActivity', 'v1-retries-activity');
  const parent = await start('parentOfWaitingChild', 'v1-parent');
  await start('cronCount', 'v1-cron', { cronSchedule: '@every 30s' });
  await start('delayedHello', 'v1-delayed', { startDelay: '20 seconds' });
  const approvals = await start('approvals', 'v1-approvals');
  const echo = await start('echo', 'v1-closed', { args: ['closed before'] });

  await approvals.startUpdate('approve', { args: ['ops'], updateId: 'v1-approval', waitForStage: WorkflowUpdateStage.ACCEPTED });
  await echo.result();
  await until('the sleeper timer', () => hasEvent(sleeper, 'TimerStarted'));
  await until('the signal wait', () => hasEvent(waiting, 'WorkflowTaskCompleted'));
  await until('the child', () => hasEvent(parent, 'ChildWorkflowExecutionStarted'));
  await until('the child waiting', () => hasEvent(client.workflow.getHandle('v1-parent-child'), 'WorkflowTaskCompleted'));
  await until('the activity backing off', async () => (await retrying.describe()).pendingActivities[0]?.attempt === 2);
} finally {
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
}
const took = Date.now() - began;
if (took > WRITE_BUDGET_MS) throw new Error(`writing took ${took} ms: its timers may have fired; run it again`);
if (existsSync(`${file}-wal`)) throw new Error('the database still has a write-ahead log after closing');
writeFileSync(out, gzipSync(readFileSync(file), { level: 9 }));
rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${out} in ${took} ms`);
