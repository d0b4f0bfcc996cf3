import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Worker, WorkflowBundleError, bundleWorkflowCode } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

const fixture = (name: string) => fileURLToPath(new URL(`../src/forbidden/${name}.js`, import.meta.url));

describe('the workflow sandbox', () => {
  let env: TestEnv;
  const taskQueue = 'sandbox';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, deadlockTimeoutMs: 300 });
  });
  after(() => env.close());

  const refusals: [string, RegExp][] = [
    ['imports-fs', /may not import the Node built-in 'fs' \(imported by .*imports-fs\.js\)/],
    ['imports-node-prefixed', /may not import the Node built-in 'node:crypto' \(imported by .*imports-node-prefixed\.js\)/],
    ['imports-client', /may not import '@endure\/client' \(imported by .*imports-client\.js\): it is not a workflow package/],
    ['imports-transitively', /may not import the Node built-in 'node:fs' \(imported by .*io-helper\.js\)/],
  ];
  for (const [name, message] of refusals) {
    it(`refuses ${name} at Worker.create, naming the importing file and the module`, async () => {
      await assert.rejects(
        Worker.create({ connection: env.connection, taskQueue: 'never', workflowsPath: fixture(name) }),
        (e: unknown) => e instanceof WorkflowBundleError && message.test(e.message),
      );
    });
  }

  it('accepts type-only imports of activities', async () => {
    const b = await bundleWorkflowCode({ workflowsPath: fixture('type-only-import') });
    assert.ok(!b.code.includes('heartbeat('), 'activity code is not bundled');
  });

  it('says clearly when workflowsPath does not exist', async () => {
    await assert.rejects(bundleWorkflowCode({ workflowsPath: '/nope/workflows.ts' }), /workflowsPath '\/nope\/workflows.ts' does not exist/);
  });

  const globals: [string, RegExp][] = [
    ['usesWeakRef', /WeakRef is not allowed in workflow code: garbage collection is not deterministic/],
    ['usesFinalizationRegistry', /FinalizationRegistry is not allowed in workflow code/],
    ['usesSetInterval', /setInterval is not allowed in workflow code: use a loop with sleep\(\) instead/],
    ['spins', /workflow code ran for over 300 ms without yielding/],
    // Regression: this used to abort the whole process (nodejs/node#38503) once activities had run.
    ['spinsAfterActivity', /workflow code ran for over 300 ms without yielding/],
  ];
  for (const [workflowType, message] of globals) {
    it(`fails the workflow task of ${workflowType} with a clear message`, async () => {
      const h = await env.client.workflow.start(workflowType, { taskQueue, workflowId: uid() });
      const d = await env.waitFor(h, (x) => x.pendingWorkflowTask?.lastFailure !== undefined);
      assert.match(String(d.pendingWorkflowTask?.lastFailure?.message), message);
      assert.equal(d.status.name, 'RUNNING');
      await h.terminate();
    });
  }

  it('replaces a deadlocked workflow thread without harming the other workflows on it', async () => {
    const sleepers = await Promise.all([1, 2, 3].map(() => env.client.workflow.start('sleepy', { taskQueue, workflowId: uid(), args: [400] })));
    const spinner = await env.client.workflow.start('spins', { taskQueue, workflowId: uid() });
    await env.waitFor(spinner, (d) => /DeadlockError|without yielding/.test(d.pendingWorkflowTask?.lastFailure?.message ?? ''));
    const results = (await Promise.all(sleepers.map((h) => h.result()))) as { slept: number }[];
    assert.ok(results.every((r) => r.slept >= 400));
    await spinner.terminate();
  });

  it('gives each run its own module state, even though runs share one realm', async () => {
    const a = await env.client.workflow.execute('deterministicValues', { taskQueue, workflowId: uid() });
    const b = await env.client.workflow.execute('deterministicValues', { taskQueue, workflowId: uid() });
    assert.notDeepEqual((a as { before: unknown }).before, (b as { before: unknown }).before, 'different runs get different seeds');
  });
});
