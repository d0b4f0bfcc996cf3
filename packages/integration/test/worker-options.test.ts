// Worker.create's options by Temporal's names: each one Endure implements does what Temporal's
// does, each one it does not is refused by name (and so is a name that is not an option).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heartbeat, sleep } from '@endure/activity';
import { Client } from '@endure/client';
import { UnsupportedOptionError } from '@endure/common';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkerOptions } from '@endure/worker';
import type { EngineApi } from '@endure/protocol';
import { TestEnv, engineWith, memoryLogger, uid, workflowsPath } from '../src/harness.js';
import { payloadConverter } from '../src/reversed-converter.js';

const fixture = (name: string) => fileURLToPath(new URL(`../src/forbidden/${name}.js`, import.meta.url));

/** Activities whose runs the tests watch: how many `busy` ran at once at most. */
function watchedActivities() {
  let running = 0;
  const seen = { most: 0 };
  return {
    seen,
    activities: {
      async busy(ms: number): Promise<number> {
        seen.most = Math.max(seen.most, ++running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        return ms;
      },
      async beatTwice(): Promise<string> {
        heartbeat(1);
        await sleep(300);
        heartbeat(2);
        return 'beat';
      },
      async echo(x: unknown): Promise<unknown> {
        return x;
      },
    },
  };
}

describe('worker options', () => {
  let env: TestEnv;
  const dir = mkdtempSync(join(tmpdir(), 'endure-worker-options-'));
  before(async () => (env = await TestEnv.create()));
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A worker on its own connection whose engine calls go through `overrides`; stopped with the env. */
  async function workerWith(opts: Omit<WorkerOptions, 'connection'>, overrides: (engine: EngineApi) => Partial<EngineApi> = () => ({})) {
    const connection = await NativeConnection.connect({ address: env.address });
    const worker = await Worker.create({ logger: memoryLogger(), ...opts, connection: { engine: engineWith(connection.engine, overrides(connection.engine)) } });
    const done = worker.run().finally(() => connection.close());
    after(async () => {
      worker.shutdown();
      await done;
    });
    return worker;
  }

  it('refuses each Temporal option Endure does not implement, by name, with what to do instead', async () => {
    const refused: [string, unknown, RegExp][] = [
      ['tuner', {}, /slot tuners are not implemented/],
      ['buildId', 'v1', /no worker versioning: keep old and new code paths with patched\(\)/],
      ['useVersioning', true, /no worker versioning/],
      ['interceptors', {}, /interceptors are not implemented/],
      ['sinks', {}, /sinks are not implemented/],
      ['debugMode', true, /always runs on a workflow thread/],
      ['maxActivitiesPerSecond', 5, /rate limits are not implemented/],
      ['stickyQueueScheduleToStartTimeout', '5s', /sticky task to any worker after 2 s/],
      ['nonStickyToStickyPollRatio', 0.5, /no separate sticky queue/],
      ['showStackTraceSources', true, /__stack_trace/],
      ['nexusServices', [], /no Nexus/],
    ];
    for (const [option, value, why] of refused) {
      await assert.rejects(
        Worker.create({ connection: env.connection, taskQueue: 'refused', activities: { async a() {} }, [option]: value }),
        (e: unknown) => e instanceof UnsupportedOptionError && e.option === option && e.message.includes(`option '${option}' is not supported by Endure`) && why.test(e.message),
        option,
      );
    }
    await assert.rejects(
      Worker.create({ connection: env.connection, taskQueue: 'typo', activities: { async a() {} }, maxCachedWorkflow: 5 } as WorkerOptions),
      /Worker\.create: 'maxCachedWorkflow' is not an option of WorkerOptions; the options are: .*maxCachedWorkflows/,
    );
    await assert.rejects(
      Worker.create({ connection: env.connection, taskQueue: 'q', workflowsPath: workflowsPath('options'), dataConverter: { payloadCodecs: [] } as never }),
      /option 'payloadCodecs' is not supported by Endure: payload codecs are not implemented/,
    );
    await assert.rejects(
      Worker.create({ connection: env.connection, taskQueue: 'q', workflowsPath: workflowsPath('options'), bundlerOptions: { webpackConfigHook: (c: unknown) => c } as never }),
      /option 'webpackConfigHook' is not supported by Endure: workflows are bundled with esbuild/,
    );
  });

  it('reuseV8Context: true is what Endure always does; false is refused', async () => {
    const w = await workerWith({ taskQueue: 'reuse', workflowsPath: workflowsPath('options'), reuseV8Context: true });
    assert.equal(w.getState(), 'RUNNING');
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'reuse-false', workflowsPath: workflowsPath('options'), reuseV8Context: false }), /reuseV8Context: false is not supported/);
  });

  it('namespace: the worker polls its namespace', async () => {
    await env.client.operator.registerNamespace({ namespace: 'billing' });
    await workerWith({ taskQueue: 'in-billing', workflowsPath: workflowsPath('options'), namespace: 'billing' });
    const billing = new Client({ connection: env.connection, namespace: 'billing' });
    const info = (await billing.workflow.execute('reportInfo', { taskQueue: 'in-billing', workflowId: uid() })) as { args: unknown[] };
    assert.deepEqual(info.args, []);
  });

  it('identity is recorded with the tasks the worker completes', async () => {
    const { activities } = watchedActivities();
    await workerWith({ taskQueue: 'identity', workflowsPath: workflowsPath('options'), activities, identity: 'billing-worker-7' });
    const h = await env.client.workflow.start('eagerOrNot', { taskQueue: 'identity', workflowId: uid(), args: [false] });
    await h.result();
    const identities = (await h.fetchHistory()).events.flatMap((e) => (e.type === 'WorkflowTaskCompleted' || e.type === 'ActivityTaskCompleted' ? [e.attributes.identity] : []));
    assert.ok(identities.length >= 3 && identities.every((i) => i === 'billing-worker-7'), identities.join(', '));
  });

  it('workflowBundle takes a bundle, or { codePath } of a file holding its code; bundleWorkflowCode takes payloadConverterPath', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath('options'), payloadConverterPath: fileURLToPath(new URL('../src/reversed-converter.js', import.meta.url)) });
    const codePath = join(dir, 'bundle.js');
    writeFileSync(codePath, bundle.code);
    const client = new Client({ connection: env.connection, dataConverter: { payloadConverter } });
    for (const [taskQueue, workflowBundle] of [['bundle-code', bundle], ['bundle-path', { codePath }]] as const) {
      await workerWith({ taskQueue, workflowBundle, dataConverter: { payloadConverter } });
      const h = await client.workflow.start('reportInfo', { taskQueue, workflowId: uid(), args: [taskQueue] });
      assert.deepEqual(((await h.result()) as { args: unknown[] }).args, [taskQueue]);
      const done = (await h.fetchHistory()).events.at(-1)!;
      assert.equal(done.type === 'WorkflowExecutionCompleted' && done.attributes.result?.metadata['encoding'], 'json/reversed', 'the bundled converter encoded the result');
    }
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'q', workflowBundle: { codePath: join(dir, 'missing.js') } }), /cannot read workflowBundle\.codePath '.*missing\.js'/);
  });

  it('bundlerOptions.ignoreModules bundles a listed module as an empty one instead of refusing the import', async () => {
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'q', workflowsPath: fixture('imports-unused-fs') }), /may not import the Node built-in 'node:fs'.*list it in bundlerOptions\.ignoreModules/);
    await workerWith({ taskQueue: 'ignore-modules', workflowsPath: fixture('imports-unused-fs'), bundlerOptions: { ignoreModules: ['fs'] } });
    assert.equal(await env.client.workflow.execute('neverTouchesFs', { taskQueue: 'ignore-modules', workflowId: uid() }), 'ran without fs');
  });

  it('maxConcurrentLocalActivityExecutions bounds the local activities running at once across workflows', async () => {
    const free = watchedActivities();
    await workerWith({ taskQueue: 'locals-free', workflowsPath: workflowsPath('options'), activities: free.activities });
    await Promise.all([1, 2, 3].map(() => env.client.workflow.execute('oneLocal', { taskQueue: 'locals-free', workflowId: uid(), args: [300] })));
    assert.ok(free.seen.most >= 2, `without a limit local activities of different workflows overlap (saw ${free.seen.most})`);
    const bounded = watchedActivities();
    await workerWith({ taskQueue: 'locals-one', workflowsPath: workflowsPath('options'), activities: bounded.activities, maxConcurrentLocalActivityExecutions: 1 });
    await Promise.all([1, 2, 3].map(() => env.client.workflow.execute('oneLocal', { taskQueue: 'locals-one', workflowId: uid(), args: [300] })));
    assert.equal(bounded.seen.most, 1);
  });

  it('maxConcurrentWorkflowTaskExecutions bounds the workflow tasks running at once (local activities run inside them)', async () => {
    const one = watchedActivities();
    await workerWith({ taskQueue: 'wft-one', workflowsPath: workflowsPath('options'), activities: one.activities, maxConcurrentWorkflowTaskExecutions: 1 });
    await Promise.all([1, 2, 3].map(() => env.client.workflow.execute('oneLocal', { taskQueue: 'wft-one', workflowId: uid(), args: [300] })));
    assert.equal(one.seen.most, 1);
  });

  it('workflowTaskPollerBehavior / activityTaskPollerBehavior { simple-maximum } set the polls kept open; autoscaling is refused', async () => {
    const open = { workflow: 0, activity: 0, mostWorkflow: 0, mostActivity: 0 };
    const { activities } = watchedActivities();
    const w = await workerWith(
      { taskQueue: 'poller-behavior', workflowsPath: workflowsPath('options'), activities, workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 3 }, activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 } },
      (engine) => ({
        pollWorkflowTasks: async (req, signal) => {
          open.mostWorkflow = Math.max(open.mostWorkflow, ++open.workflow);
          return engine.pollWorkflowTasks(req, signal).finally(() => open.workflow--);
        },
        pollActivityTasks: async (req, signal) => {
          open.mostActivity = Math.max(open.mostActivity, ++open.activity);
          return engine.pollActivityTasks(req, signal).finally(() => open.activity--);
        },
      }),
    );
    await env.client.workflow.execute('eagerOrNot', { taskQueue: 'poller-behavior', workflowId: uid(), args: [true] });
    for (let i = 0; i < 100 && (open.mostWorkflow < 3 || open.mostActivity < 2); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([open.mostWorkflow, open.mostActivity], [3, 2]);
    assert.equal(w.getStatus().hasOutstandingWorkflowPoll, true);
    await assert.rejects(
      Worker.create({ connection: env.connection, taskQueue: 'q', activities, activityTaskPollerBehavior: { type: 'autoscaling' } as never }),
      /activityTaskPollerBehavior of type 'autoscaling' is not supported by Endure \(only 'simple-maximum'/,
    );
  });

  it('enableNonLocalActivities: false runs the activities only as local activities, polling no activity tasks', async () => {
    const { activities } = watchedActivities();
    const w = await workerWith({ taskQueue: 'locals-only', workflowsPath: workflowsPath('options'), activities, enableNonLocalActivities: false });
    const remote = await env.client.workflow.start('eagerOrNot', { taskQueue: 'locals-only', workflowId: uid(), args: [false] });
    assert.equal(await env.client.workflow.execute('oneLocal', { taskQueue: 'locals-only', workflowId: uid(), args: [1] }), 1);
    const d = await env.waitFor(remote, (x) => x.pendingActivities.length === 1);
    assert.equal(d.pendingActivities[0]!.state, 'SCHEDULED', 'no one took the activity task');
    const status = w.getStatus();
    assert.equal(status.activityPollerState, 'SHUTDOWN');
    assert.equal(status.hasOutstandingActivityPoll, false);
    await workerWith({ taskQueue: 'locals-only', activities }); // an activity worker takes it
    assert.equal(await remote.result(), false);
  });

  it('workflowThreadPoolSize runs workflow code on that many threads', async () => {
    const w = await workerWith({ taskQueue: 'threads', workflowsPath: workflowsPath('options'), workflowThreadPoolSize: 2 });
    assert.equal(w.getStatus().numWorkflowThreads, 2);
    const results = await Promise.all([1, 2, 3, 4].map((i) => env.client.workflow.execute('reportInfo', { taskQueue: 'threads', workflowId: uid(), args: [i] })));
    assert.deepEqual(results.map((r) => (r as { args: number[] }).args[0]), [1, 2, 3, 4]);
  });

  for (const [option, heartbeatTimeout] of [['defaultHeartbeatThrottleInterval', undefined], ['maxHeartbeatThrottleInterval', '1 hour']] as const) {
    it(`${option} sets how often heartbeats reach the engine`, async () => {
      const sent = { throttled: 0, quick: 0 };
      const { activities } = watchedActivities();
      const count = (key: 'throttled' | 'quick') => (engine: EngineApi): Partial<EngineApi> => ({
        heartbeatActivityTask: (req) => (sent[key]++, engine.heartbeatActivityTask(req)),
      });
      // The defaults (30 s without a heartbeat timeout; 80% of one hour, capped at 60 s, with it)
      // hold back the second heartbeat, sent 300 ms after the first; 100 ms lets it through.
      await workerWith({ taskQueue: `${option}-default`, workflowsPath: workflowsPath('options'), activities }, count('throttled'));
      await workerWith({ taskQueue: `${option}-quick`, workflowsPath: workflowsPath('options'), activities, [option]: '100ms' }, count('quick'));
      for (const queue of ['default', 'quick']) {
        assert.equal(await env.client.workflow.execute('heartbeatsTwice', { taskQueue: `${option}-${queue}`, workflowId: uid(), args: [heartbeatTimeout] }), 'beat');
      }
      assert.deepEqual(sent, { throttled: 1, quick: 2 });
    });
  }

  it('getStatus reports the run state, the polls and the work in flight', async () => {
    const { activities } = watchedActivities();
    const w = await workerWith({ taskQueue: 'status', workflowsPath: workflowsPath('options'), activities });
    const h = env.client.workflow.execute('oneLocal', { taskQueue: 'status', workflowId: uid(), args: [400] });
    let seen = w.getStatus();
    for (let i = 0; i < 100 && seen.numInFlightLocalActivities === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      seen = w.getStatus();
    }
    assert.equal(seen.runState, 'RUNNING');
    assert.equal(seen.workflowPollerState, 'POLLING');
    assert.equal(seen.numInFlightLocalActivities, 1);
    assert.equal(seen.numInFlightActivities, 1);
    assert.equal(seen.numInFlightWorkflowActivations, 1, 'the workflow task waits for its local activity');
    await h;
    w.shutdown();
    assert.equal(w.getStatus().runState, 'STOPPING');
  });

  it("Temporal's Worker members that Endure lacks throw, naming themselves; connection is the one given", async () => {
    const w = await workerWith({ taskQueue: 'members', workflowsPath: workflowsPath('options') });
    assert.ok(w.connection?.engine, 'the connection the worker was given');
    assert.throws(() => w.client, /Worker\.client is not supported by Endure: create a Client on the same address/);
    assert.throws(() => w.numInFlightActivations$, /Worker\.numInFlightActivations\$ is not supported by Endure: poll getStatus\(\)/);
    assert.throws(() => w.numInFlightActivities$, /numInFlightActivities\$ is not supported/);
    assert.throws(() => w.numRunningWorkflowInstances$, /numRunningWorkflowInstances\$ is not supported/);
  });
});
