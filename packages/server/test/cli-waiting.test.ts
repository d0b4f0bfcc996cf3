// A run on a task queue no worker polls, and an update no worker takes: the CLI says what they
// wait for instead of hanging silently (real binary, real server process, real worker).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { endure, json, startDevServer, startWorker, tempDir, type DevServer, type TestWorker } from './fixtures/cli-harness.js';

describe('endure: what a waiting run or update waits for', () => {
  const tmp = tempDir();
  let server: DevServer;
  let worker: TestWorker;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => endure(args, { env });
  const hint = "no worker has polled task queue 'ordrs' for workflow tasks in the last 5 minutes; did you mean 'orders'? (workers poll 'orders')";

  before(async () => {
    server = await startDevServer(['--db', join(tmp.dir, 'endure.db')]);
    env = { ENDURE_ADDRESS: server.url };
    worker = await startWorker(server.url, 'orders');
    assert.equal((await cli('workflow', 'start', '--type', 'counter', '-t', 'ordrs', '-w', 'typo-1', '-i', '1')).code, 0);
  });
  after(async () => {
    await worker?.stop();
    assert.equal(await server?.stop(), 0, `server did not stop cleanly: ${server?.stderr()}`);
    tmp.remove();
  });

  it('workflow describe names the task queue no worker polls and the one workers do poll', async () => {
    const table = await cli('workflow', 'describe', '-w', 'typo-1');
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stdout.trim().split('\n').at(-1), `${hint.charAt(0).toUpperCase()}${hint.slice(1)}`);
    const doc = json<{ taskQueuePolling: unknown }>(await cli('workflow', 'describe', '-w', 'typo-1', '-o', 'json'));
    assert.deepEqual(doc.taskQueuePolling, { taskQueue: 'ordrs', polledRecently: false, polledTaskQueues: ['orders'], hint });
  });

  it('workflow show of a run whose workflow task no worker takes says so on stderr', async () => {
    const r = await cli('workflow', 'show', '-w', 'typo-1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /WorkflowExecutionStarted/);
    assert.equal(r.stderr, `The run is waiting for a worker: ${hint}\n`);
  });

  it('task-queue describe of the mistyped queue says no worker polls it and suggests the polled one', async () => {
    const r = await cli('task-queue', 'describe', '-t', 'ordrs');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      "Task queue 'ordrs': 1 workflow task(s) and 0 activity task(s) waiting.",
      "No worker has polled task queue 'ordrs' in the last 5 minutes; did you mean 'orders'? (workers poll 'orders')",
    ]);
  });

  it('workflow update says what it waits for on stderr, and --timeout ends it naming the task queue no worker polls', async () => {
    const r = await cli('workflow', 'update', '-w', 'typo-1', '--name', 'setTotal', '-i', '5', '--update-id', 'up-1', '--timeout', '3s');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `waiting for a worker on task queue 'ordrs' to accept update 'setTotal'… (${hint})`,
      `error: update 'setTotal' (updateId 'up-1') of workflow 'typo-1' was not accepted before the deadline: ${hint}`,
    ]);
  });

  it('workflow update of a run a worker takes prints its result; show of that run warns of nothing', async () => {
    assert.equal((await cli('workflow', 'start', '--type', 'counter', '-t', 'orders', '-w', 'polled-1', '-i', '1')).code, 0);
    const r = await cli('workflow', 'update', '-w', 'polled-1', '--name', 'setTotal', '-i', '5', '--timeout', '20s');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '5');
    const show = await cli('workflow', 'show', '-w', 'polled-1');
    assert.equal(show.stderr, '', 'a run a worker takes gets no warning');
  });
});
