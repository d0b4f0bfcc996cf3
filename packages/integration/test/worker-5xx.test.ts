// Workers survive a server (or what stands in front of it) answering 5xx for a while: polls back
// off and resume, completions are retried, and the workflow completes. A real server process
// sits behind a proxy on 127.0.0.1 that answers the worker's requests with 500s, 502s and 503s
// before it lets them through.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';
import { startServerProcess, type ServerProcess } from '../src/server-process.js';
import { startFaultyProxy, type Fault, type FaultyProxy } from '../src/faulty-proxy.js';

const CYCLE: Fault[] = ['plain-500', 'endure-503', 'endure-500', 'plain-502', 'plain-503'];

/** Resolves once `pred` holds, checking every 10 ms; fails after `ms`. */
async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `p`, or a failure naming `what` after `ms` (so a stuck test fails instead of hanging). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('workers through 5xx answers', () => {
  let dir: string;
  let server: ServerProcess;
  let client: Client;
  let clientConnection: Connection;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'endure-5xx-'));
    server = await startServerProcess(join(dir, 'endure.db'));
    clientConnection = await Connection.connect({ address: server.address });
    client = new Client({ connection: clientConnection }); // straight to the server
  });
  after(async () => {
    await clientConnection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A worker whose requests all go through `proxy`. */
  async function workerVia(proxy: FaultyProxy, taskQueue: string) {
    const connection = await NativeConnection.connect({ address: proxy.url });
    const logger = memoryLogger();
    const worker = await Worker.create({ connection, taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, logger, shutdownGraceTime: 500 });
    const running = worker.run();
    let failed: unknown;
    running.catch((err: unknown) => (failed = err));
    return {
      worker,
      logger,
      failed: () => failed,
      /** Stops the worker; never throws (a worker that failed is in `failed()`), so cleanup goes on. */
      stop: async () => {
        worker.shutdown();
        await running.catch(() => {});
        await connection.close();
      },
    };
  }

  it('polls that get 500s, 502s and 503s back off and resume: the worker stays up and the workflow completes', async () => {
    let faulting = false;
    let next = 0;
    const proxy = await startFaultyProxy(server.address, () => (faulting ? CYCLE[next++ % CYCLE.length] : undefined));
    const w = await workerVia(proxy, 'through-5xx');
    try {
      faulting = true;
      const id = uid('5xx');
      // Started while every worker request fails: its tasks wait on the server.
      const handle = await client.workflow.start('sequence', { taskQueue: 'through-5xx', workflowId: id, args: [3] });
      await until(() => proxy.faults() >= 3 * CYCLE.length || w.failed() !== undefined, 10_000, 'the worker kept polling through the faults');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(w.failed(), undefined, 'the worker did not stop');
      assert.equal(w.worker.getState(), 'RUNNING');
      for (const f of CYCLE) assert.ok([...proxy.answered.keys()].some((k) => k.startsWith(`${f} /v1/poll`)), `polls got ${f}`);
      const faultsWhileFailing = proxy.faults();
      assert.ok(faultsWhileFailing < 200, `polls back off rather than spin (${faultsWhileFailing} in ~1 s)`);

      faulting = false;
      assert.deepEqual(await within(handle.result(), 15_000, 'the workflow completed once the server answered again'), [0, 1, 2]);
      assert.equal(w.worker.getState(), 'RUNNING');
      assert.ok(w.logger.entries.some((e) => e.level === 'WARN' && /retrying/.test(e.message)), 'the outage was logged');
    } finally {
      await w.stop();
      await proxy.close();
    }
    assert.equal(w.failed(), undefined);
  });

  it('completions that get 503s are retried, not left to time out', async () => {
    const completions = /^\/v1\/(completeWorkflowTask|completeActivityTask|batch)$/;
    let left = 4;
    const proxy = await startFaultyProxy(server.address, (path) => (completions.test(path) && left-- > 0 ? (left % 2 ? 'endure-503' : 'plain-503') : undefined));
    const w = await workerVia(proxy, 'completions-503');
    try {
      // A workflow task timeout far beyond the test's wait: a completion dropped and left to
      // time out and be redelivered could not finish in time.
      const handle = await client.workflow.start('sequence', { taskQueue: 'completions-503', workflowId: uid('c503'), args: [2], workflowTaskTimeout: '60s' });
      assert.deepEqual(await within(handle.result(), 15_000, 'the workflow completed'), [0, 1]);
      assert.equal(left < 0, true, 'every fault was answered');
      assert.ok([...proxy.answered.keys()].some((k) => k.endsWith('/v1/completeWorkflowTask')), 'a workflow task completion got a 503');
      assert.equal(w.worker.getState(), 'RUNNING');
    } finally {
      await w.stop();
      await proxy.close();
    }
    assert.equal(w.failed(), undefined);
  });

  it("a server's own 500 to a completion does not stop the worker: the task is handed out again after its timeout", async () => {
    let left = 1;
    const proxy = await startFaultyProxy(server.address, (path) => (path === '/v1/completeWorkflowTask' && left-- > 0 ? 'endure-500' : undefined));
    const w = await workerVia(proxy, 'completion-500');
    try {
      const handle = await client.workflow.start('echoWorkflow', { taskQueue: 'completion-500', workflowId: uid('c500'), args: ['after a 500'], workflowTaskTimeout: '1s' });
      assert.equal(await within(handle.result(), 15_000, 'the workflow completed'), 'after a 500');
      assert.equal(proxy.answered.get('endure-500 /v1/completeWorkflowTask'), 1);
      assert.equal(w.worker.getState(), 'RUNNING');
      assert.ok(w.logger.entries.some((e) => e.level === 'WARN' && /workflow task completion failed \(INTERNAL\)/.test(e.message)));
    } finally {
      await w.stop();
      await proxy.close();
    }
    assert.equal(w.failed(), undefined);
  });
});
