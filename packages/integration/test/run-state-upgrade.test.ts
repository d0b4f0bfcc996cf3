// Runs stopped part-way by an earlier release carry on under this one. The fixture
// (fixtures/databases/run-state-v1.db.gz, written by src/make-run-state-v1-db.ts with the code of
// its commit) holds run states as that release encoded them: a timer, a signal wait, an activity
// backing off before its retry, a running child, a cron run and a delayed start waiting for their
// time, an accepted update, and a closed run. Its timers were due 20 s after it was written, so
// they are overdue here and fire at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

const dir = mkdtempSync(join(tmpdir(), 'endure-run-state-v1-'));

describe('runs written by an earlier release (run-state-v1.db)', () => {
  let connection: Connection;
  let workerConnection: NativeConnection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const logger = memoryLogger();

  before(async () => {
    const file = join(dir, 'run-state-v1.db');
    writeFileSync(file, gunzipSync(readFileSync(fileURLToPath(new URL('../../fixtures/databases/run-state-v1.db.gz', import.meta.url)))));
    const address = `sqlite:${file}`;
    connection = await Connection.connect({ address });
    workerConnection = await NativeConnection.connect({ address });
    client = new Client({ connection });
    worker = await Worker.create({ connection: workerConnection, taskQueue: 'run-state-v1', workflowsPath: workflowsPath('frozen-v1-runs'), activities: makeActivities().activities, logger });
    running = worker.run();
  });

  after(async () => {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a closed run reads as it was', async () => {
    const h = client.workflow.getHandle('v1-closed');
    assert.equal((await h.describe()).status.name, 'COMPLETED');
    assert.equal(await h.result(), 'closed before');
  });

  it('a sleeping run wakes (its timer, due long ago, fires)', async () => {
    assert.equal(await client.workflow.getHandle('v1-sleeper').result(), 'woke');
  });

  it('a run waiting for a signal gets it', async () => {
    const h = client.workflow.getHandle('v1-waits-for-signal');
    await h.signal('go', 'now');
    assert.equal(await h.result(), 'got now');
  });

  it('an activity backing off retries, and its second attempt succeeds', async () => {
    assert.equal(await client.workflow.getHandle('v1-retries-activity').result(), 2);
  });

  it('a running child finishes and its parent hears of it', async () => {
    await client.workflow.getHandle('v1-parent-child').signal('go', 'hi');
    assert.equal(await client.workflow.getHandle('v1-parent').result(), 'child said: got hi');
  });

  it('a delayed start runs', async () => {
    assert.equal(await client.workflow.getHandle('v1-delayed').result(), 'hello');
  });

  it('a cron run waiting for its time runs, and the chain goes on', async () => {
    const h = client.workflow.getHandle('v1-cron');
    const first = (await h.describe()).firstExecutionRunId;
    assert.equal(await client.workflow.result('v1-cron', first, { followRuns: false }), 1);
    const next = await h.describe();
    assert.equal(next.firstExecutionRunId, first, 'the next run belongs to the same chain');
    assert.equal(next.status.name, 'RUNNING');
    await h.terminate('the test is done with the chain');
  });

  it('an accepted update completes, with the run', async () => {
    const h = client.workflow.getHandle('v1-approvals');
    await h.signal('release');
    assert.equal(await h.getUpdateHandle('v1-approval').result(), 'approved by ops');
    assert.equal(await h.result(), 'released');
  });

  it('the worker met no error replaying them', () => {
    assert.deepEqual(logger.entries.filter((e) => e.level === 'ERROR' || e.level === 'WARN'), []);
  });
});
